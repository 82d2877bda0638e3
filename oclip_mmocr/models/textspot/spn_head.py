# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from typing import Dict, Optional, Sequence

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule

from mmocr.models.textdet.heads import BaseTextDetHead
from mmocr.registry import MODELS


@MODELS.register_module()
class SPNHead(BaseTextDetHead):
    """Mask TextSpotter v3's segmentation proposal network as an MMOCR text
    detection head: a text-kernel probability map from the fused 1/4-scale
    features (the neck, MMOCR's ``FPNC``, does the fusion), trained by
    :class:`SPNModuleLoss` and read into polygon proposals by
    :class:`SPNPostprocessor`.

    Args:
        in_channels (int): Channels of the fused features.
        module_loss (dict): The loss (``SPNModuleLoss``).
        postprocessor (dict): Proposals from the map (``SPNPostprocessor``).

    Shapes:
        input: ``(N, in_channels, H/4, W/4)``; output: kernel probability
        ``(N, 1, H/4, W/4)`` in [0, 1].
    """

    def __init__(self,
                 in_channels: int = 256,
                 module_loss: Dict = dict(type='SPNModuleLoss'),
                 postprocessor: Dict = dict(type='SPNPostprocessor'),
                 init_cfg: Optional[Dict] = dict(
                     type='Kaiming', layer='Conv2d')) -> None:
        super().__init__(
            module_loss=module_loss,
            postprocessor=postprocessor,
            init_cfg=init_cfg)
        self.conv = ConvModule(
            in_channels, in_channels // 4, 3, padding=1,
            norm_cfg=dict(type='BN'))
        self.logits = nn.Conv2d(in_channels // 4, 1, 1)

    def forward(self, x: torch.Tensor,
                data_samples: Optional[Sequence] = None) -> torch.Tensor:
        return self.logits(self.conv(x)).sigmoid()
