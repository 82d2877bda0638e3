# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from typing import Dict, Sequence

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmengine.structures import BaseDataElement

from mmocr.registry import TRANSFORMS


@TRANSFORMS.register_module()
class PackOCLIPInputs(BaseTransform):
    """Pack an image and its masked words for :class:`OCLIP`.

    Produces ``inputs`` (``(3, H, W)`` uint8 tensor, BGR as loaded) and
    ``data_samples``, a :class:`BaseDataElement` with ``gt_tokens``
    ``(n, L)``, ``gt_chars`` ``(n,)``, ``mask_positions`` ``(n,)`` and
    ``words`` (list of ``n`` strings), plus ``meta_keys`` as metainfo.
    """

    def __init__(self,
                 meta_keys: Sequence[str] = ('img_path', 'ori_shape',
                                             'img_shape')) -> None:
        self.meta_keys = tuple(meta_keys)

    def transform(self, results: Dict) -> Dict:
        img = results['img']
        if img.ndim == 2:
            img = img[..., None].repeat(3, axis=2)
        inputs = torch.from_numpy(
            np.ascontiguousarray(img.transpose(2, 0, 1)))
        sample = BaseDataElement(
            metainfo={k: results[k]
                      for k in self.meta_keys if k in results})
        sample.gt_tokens = torch.from_numpy(results['gt_tokens'])
        sample.gt_chars = torch.from_numpy(results['gt_chars'])
        sample.mask_positions = torch.from_numpy(results['mask_positions'])
        sample.words = list(results['words'])
        return dict(inputs=inputs, data_samples=sample)

    def __repr__(self) -> str:
        return f'{type(self).__name__}(meta_keys={self.meta_keys})'
