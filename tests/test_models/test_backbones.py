"""CLIPResNet as our configs use it (R101 too)."""

import torch

from mmocr.registry import MODELS


def test_clip_resnet_101_is_available():
    backbone = MODELS.build(dict(type='CLIPResNet', depth=101,
                                 base_channels=8))
    assert len(backbone.layer3) == 23
    assert backbone(torch.rand(1, 3, 64, 64))[-1].shape == (1, 256, 2, 2)
