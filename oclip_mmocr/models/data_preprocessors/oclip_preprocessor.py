# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from typing import Optional, Sequence

from mmengine.model import ImgDataPreprocessor

from mmocr.registry import MODELS

#: CLIP's normalisation, on the 0-255 scale.
CLIP_MEAN = (122.7709383, 116.7460125, 104.09373615)
CLIP_STD = (68.5005327, 66.6321579, 70.32316305)


@MODELS.register_module()
class OCLIPDataPreprocessor(ImgDataPreprocessor):
    """Stacks, converts BGR to RGB and normalises images with CLIP's
    mean/std (the statistics oCLIP was pretrained with).

    Args:
        mean, std (Sequence[float]): On the 0-255 scale. Default to CLIP's.
        bgr_to_rgb (bool): Images are loaded BGR by mmcv. Defaults to True.
        **kwargs: See :class:`mmengine.model.ImgDataPreprocessor`.
    """

    def __init__(self,
                 mean: Optional[Sequence[float]] = CLIP_MEAN,
                 std: Optional[Sequence[float]] = CLIP_STD,
                 bgr_to_rgb: bool = True,
                 **kwargs) -> None:
        super().__init__(mean=mean, std=std, bgr_to_rgb=bgr_to_rgb, **kwargs)
