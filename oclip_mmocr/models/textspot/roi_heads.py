# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""The two RoI heads on hard-masked features besides recognition."""
from typing import Dict, Optional, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from mmocr.registry import MODELS


def conv_relu_stack(in_channels: int, channels: int,
                    num_convs: int) -> nn.Sequential:
    """``num_convs`` 3x3 convolutions (padding 1), each followed by ReLU.
    """
    layers = []
    for i in range(num_convs):
        layers += [
            nn.Conv2d(in_channels if i == 0 else channels, channels, 3,
                      padding=1),
            nn.ReLU(inplace=True)
        ]
    return nn.Sequential(*layers)


@MODELS.register_module()
class BoxScoreHead(BaseModule):
    """Box/score refinement of each masked RoI: a text-vs-background logit
    and the box deltas of the word (coded by the spotter's ``bbox_coder``,
    MMDet's ``DeltaXYWHBBoxCoder``).

    Shapes:
        input: ``(K, C, h, w)``; output: logits ``(K,)``, deltas ``(K, 4)``.
    """

    def __init__(self, in_channels: int = 128, channels: int = 128,
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.convs = nn.Sequential(
            nn.Conv2d(in_channels, channels, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(channels, channels, 3, stride=2, padding=1),
            nn.ReLU(inplace=True))
        self.cls = nn.Linear(channels, 1)
        self.reg = nn.Linear(channels, 4)
        # Start from "the proposal is right".
        nn.init.zeros_(self.reg.weight)
        nn.init.zeros_(self.reg.bias)

    def forward(self, x: torch.Tensor
                ) -> Tuple[torch.Tensor, torch.Tensor]:
        h = self.convs(x).mean((2, 3))
        return self.cls(h)[:, 0], self.reg(h)


@MODELS.register_module()
class TextMaskHead(BaseModule):
    """Instance mask logits in the RoI: ``(K, C, h, w) -> (K, 2h, 2w)``
    (``num_classes`` maps ``(K, num_classes, 2h, 2w)`` when it is not 1).

    Args:
        in_channels (int): RoI feature channels.
        channels (int): Hidden channels.
        num_convs (int): 3x3 convolutions before the 2x upsampling.
        num_classes (int): Output maps.
    """

    def __init__(self, in_channels: int = 128, channels: int = 128,
                 num_convs: int = 2, num_classes: int = 1,
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.convs = conv_relu_stack(in_channels, channels, num_convs)
        self.up = nn.ConvTranspose2d(channels, channels, 2, stride=2)
        self.logits = nn.Conv2d(channels, num_classes, 1)
        self.num_classes = num_classes

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.logits(torch.relu(self.up(self.convs(x))))
        return out[:, 0] if self.num_classes == 1 else out


@MODELS.register_module()
class RoIConvTower(BaseModule):
    """3x3 convolutions (+ BN-free ReLU, as the mask head) on RoI features,
    shape kept: ``(K, in_channels, h, w) -> (K, channels, h, w)``.

    The recogniser's own feature layers: the fused map at stride 4 carries
    a word's characters in few cells, and the SAR encoder only pools it and
    runs an LSTM, so without layers of its own recognition has to be
    learnt by the trunk and neck alone.

    Args:
        in_channels (int): RoI feature channels.
        channels (int): Output (and hidden) channels.
        num_convs (int): Number of 3x3 convolutions.
    """

    def __init__(self, in_channels: int = 256, channels: int = 256,
                 num_convs: int = 4, init_cfg: Optional[Dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.convs = conv_relu_stack(in_channels, channels, num_convs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.convs(x)
