# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Depth-101 variant of MMOCR's ``CLIPResNet``.

MMOCR registers ``CLIPResNet`` with depth 50 only. The oCLIP R101 model is
the same design with ``(3, 4, 23, 3)`` blocks, so we add that entry to the
existing class's ``arch_settings`` instead of registering a second class under
the same name: ``dict(type='CLIPResNet', depth=101)`` then just works, in our
configs and in MMOCR's.
"""
from mmocr.models.common.backbones.clip_resnet import (CLIPBottleneck,
                                                       CLIPResNet)

if 101 not in CLIPResNet.arch_settings:
    CLIPResNet.arch_settings = {
        **CLIPResNet.arch_settings, 101: (CLIPBottleneck, (3, 4, 23, 3))
    }

__all__ = ['CLIPResNet']
