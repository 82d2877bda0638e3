# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
import math
import random
from typing import Dict, Sequence, Tuple, Union

import mmcv
from mmcv.transforms import BaseTransform

from mmocr.registry import TRANSFORMS


@TRANSFORMS.register_module()
class RandomResizedCrop(BaseTransform):
    """Crop a random area and aspect ratio, then resize to a fixed size.

    Same sampling as ``torchvision.transforms.RandomResizedCrop`` (10 tries,
    then a centre crop clamped to the ratio range), working on the ndarray
    directly instead of round-tripping through PIL. Only the image is
    changed: oCLIP's words have no geometry.

    Required keys: ``img``. Modified keys: ``img``, ``img_shape``.

    Args:
        size (int | tuple[int, int]): Output ``(h, w)``.
        scale (tuple[float, float]): Range of the crop's area fraction.
            Defaults to (0.95, 1.0), oCLIP's setting.
        ratio (tuple[float, float]): Range of the crop's ``w / h``.
        interpolation (str): mmcv interpolation. Defaults to 'bicubic'
            (as CLIP's pipeline).
    """

    def __init__(self,
                 size: Union[int, Sequence[int]],
                 scale: Tuple[float, float] = (0.95, 1.0),
                 ratio: Tuple[float, float] = (3. / 4., 4. / 3.),
                 interpolation: str = 'bicubic') -> None:
        self.size = (size, size) if isinstance(size, int) else tuple(size)
        self.scale = scale
        self.ratio = ratio
        self.interpolation = interpolation

    def _crop_box(self, h: int, w: int) -> Tuple[int, int, int, int]:
        area = h * w
        log_ratio = (math.log(self.ratio[0]), math.log(self.ratio[1]))
        for _ in range(10):
            target_area = area * random.uniform(*self.scale)
            aspect = math.exp(random.uniform(*log_ratio))
            cw = int(round(math.sqrt(target_area * aspect)))
            ch = int(round(math.sqrt(target_area / aspect)))
            if 0 < cw <= w and 0 < ch <= h:
                return random.randint(0, h - ch), random.randint(0, w - cw), \
                    ch, cw
        in_ratio = w / h
        if in_ratio < min(self.ratio):
            cw, ch = w, int(round(w / min(self.ratio)))
        elif in_ratio > max(self.ratio):
            ch, cw = h, int(round(h * max(self.ratio)))
        else:
            cw, ch = w, h
        return (h - ch) // 2, (w - cw) // 2, ch, cw

    def transform(self, results: Dict) -> Dict:
        img = results['img']
        top, left, ch, cw = self._crop_box(*img.shape[:2])
        img = img[top:top + ch, left:left + cw]
        img = mmcv.imresize(
            img, (self.size[1], self.size[0]),
            interpolation=self.interpolation)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(size={self.size}, scale={self.scale}, '
                f'ratio={self.ratio}, interpolation={self.interpolation})')
