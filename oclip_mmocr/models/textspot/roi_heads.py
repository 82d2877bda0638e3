# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""The two RoI heads on hard-masked features besides recognition."""
import torch
import torch.nn as nn

from mmocr.registry import MODELS


@MODELS.register_module()
class TextScoreHead(nn.Module):
    """Text vs background logit of each masked RoI: ``(K, C, h, w) ->
    (K,)``."""

    def __init__(self, in_channels: int = 128, channels: int = 128) -> None:
        super().__init__()
        self.convs = nn.Sequential(
            nn.Conv2d(in_channels, channels, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(channels, channels, 3, stride=2, padding=1),
            nn.ReLU(inplace=True))
        self.fc = nn.Linear(channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.convs(x).mean((2, 3)))[:, 0]


@MODELS.register_module()
class TextMaskHead(nn.Module):
    """Instance mask logits in the RoI: ``(K, C, h, w) -> (K, 2h, 2w)``."""

    def __init__(self, in_channels: int = 128, channels: int = 128,
                 num_convs: int = 2) -> None:
        super().__init__()
        layers = []
        for i in range(num_convs):
            layers += [
                nn.Conv2d(in_channels if i == 0 else channels, channels, 3,
                          padding=1),
                nn.ReLU(inplace=True)
            ]
        self.convs = nn.Sequential(*layers)
        self.up = nn.ConvTranspose2d(channels, channels, 2, stride=2)
        self.logits = nn.Conv2d(channels, 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.logits(torch.relu(self.up(self.convs(x))))[:, 0]
