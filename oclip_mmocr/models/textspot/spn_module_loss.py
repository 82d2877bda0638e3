# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from typing import Dict, Sequence, Tuple

import cv2
import numpy as np
import torch

from mmocr.models.textdet.module_losses.base import BaseTextDetModuleLoss
from mmocr.registry import MODELS
from ..layers.pixel_grid import input_to_map
from .text_kernels import kernel_coverage, shrink_polygon


@MODELS.register_module()
class SPNModuleLoss(BaseTextDetModuleLoss):
    """The SPN's loss: each cared word's kernel (shrunk by PSENet/DBNet's
    rule, ratio ``shrink_ratio``; 0.4 as MTS v3) as area coverage at the
    map's resolution (see :mod:`.text_kernels`), scored by ``loss_kernel``
    (:class:`BatchDiceLoss`) with ignored words, and words too small to keep
    a kernel, masked out.

    Args:
        shrink_ratio (float): Kernel shrink ratio ``r``.
        stride (int): Input pixels per map pixel.
        loss_kernel (dict): The map loss, called as ``(pred, target,
            mask)`` on ``(N, H, W)`` tensors.
    """

    def __init__(self,
                 shrink_ratio: float = 0.4,
                 stride: int = 4,
                 loss_kernel: Dict = dict(type='BatchDiceLoss', smooth=1.)
                 ) -> None:
        super().__init__()
        self.shrink_ratio = shrink_ratio
        self.stride = stride
        self.loss_kernel = MODELS.build(loss_kernel)

    def forward(self, preds: torch.Tensor,
                data_samples: Sequence) -> Dict[str, torch.Tensor]:
        """``preds``: kernel probability ``(N, 1, H, W)``."""
        gt, mask = (t.to(preds) for t in self.get_targets(
            data_samples, preds.shape[-2:]))
        return dict(loss_spn=self.loss_kernel(preds[:, 0], gt, mask))

    def get_targets(self, data_samples: Sequence,
                    size: Tuple[int, int] = None
                    ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Kernel coverage of the cared words, and a mask without the
        ignored ones (and words too small to keep a kernel), each ``(N,
        H, W)``; ``size`` is the map's ``(H, W)``, by default the padded
        batch input's over the stride."""
        if size is None:
            h, w = data_samples[0].batch_input_shape
            size = (h // self.stride, w // self.stride)
        h, w = size
        gts, masks = [], []
        for ds in data_samples:
            mask = np.ones((h, w), np.float32)
            inst = ds.gt_instances
            ignored = inst.ignored.cpu().numpy() if torch.is_tensor(
                inst.ignored) else np.asarray(inst.ignored)
            kernels = []
            for poly, ign in zip(inst.polygons, ignored):
                pts = input_to_map(
                    np.asarray(poly, np.float64).reshape(-1, 2), self.stride)
                if len(pts) < 3:
                    continue
                kernel = None if ign else shrink_polygon(
                    pts, self.shrink_ratio)
                if kernel is None:
                    cv2.fillPoly(mask, [np.round(pts).astype(np.int32)], 0.)
                    continue
                kernels.append(kernel)
            gts.append(kernel_coverage(kernels, (h, w)))
            masks.append(mask)
        return (torch.from_numpy(np.stack(gts)),
                torch.from_numpy(np.stack(masks)))
