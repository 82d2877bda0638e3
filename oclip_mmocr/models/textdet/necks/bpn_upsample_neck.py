# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule

from mmocr.registry import MODELS


class _MergeUp(nn.Module):
    """``[upsampled ; lateral] -> 1x1 -> 3x3 -> x2 transposed conv``."""

    def __init__(self, in_channels: int, out_channels: int,
                 upsample: bool = True) -> None:
        super().__init__()
        self.reduce = nn.Conv2d(in_channels, out_channels, 1)
        self.conv = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        self.up = nn.ConvTranspose2d(
            out_channels, out_channels, 4, stride=2,
            padding=1) if upsample else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.conv(F.relu(self.reduce(x))))
        return F.relu(self.up(x))


@MODELS.register_module()
class BPNUpsampleNeck(BaseModule):
    """TextBPN's top-down upsampling neck: a narrow, high-resolution map.

    The deepest stage is upsampled x2 and merged with each shallower stage
    in turn (concatenate, 1x1, 3x3, x2 transposed conv). Below stride 4 the
    trunk's stride-2 stem feature is merged the same way, as in the released
    network, so the stride-1 (paper) or stride-2 map gets the stem's detail
    rather than two bare upsamplings of the stride-4 map. ``out_stride=4``
    (as in TextBPN++) costs 16x fewer pixels in the head and the targets and
    needs no stem.

    Args:
        in_channels (Sequence[int]): Channels of the trunk stages at strides
            4, 8, 16, 32.
        channels (Sequence[int]): Widths after merging stages 32->16, 16->8,
            8->4; the last is also the output width (32 in the paper).
        stem_channels (int): Channels of the stride-2 stem feature (64 for
            both ResNet-50 trunks).
        out_stride (int): 1, 2 or 4.

    Shapes:
        input: 4 maps ``(N, C_i, H/s_i, W/s_i)``, ``s_i = 4, 8, 16, 32``,
        preceded by the stem ``(N, stem_channels, H/2, W/2)`` when
        :attr:`needs_stem`.
        output: ``(N, channels[-1], H/out_stride, W/out_stride)``.
    """

    def __init__(self,
                 in_channels: Sequence[int] = (256, 512, 1024, 2048),
                 channels: Sequence[int] = (256, 128, 64, 32),
                 stem_channels: int = 64,
                 out_stride: int = 1,
                 init_cfg=dict(
                     type='Kaiming', layer=['Conv2d', 'ConvTranspose2d'])
                 ) -> None:
        super().__init__(init_cfg=init_cfg)
        assert out_stride in (1, 2, 4), out_stride
        assert len(in_channels) == 4 and len(channels) == 4
        c2, c3, c4, c5 = in_channels
        self.top = nn.ConvTranspose2d(c5, channels[0], 4, stride=2, padding=1)
        # Stride 16 -> 8 -> 4 (-> 2), each merging one lateral stage.
        self.merge4 = _MergeUp(c4 + channels[0], channels[1])
        self.merge3 = _MergeUp(c3 + channels[1], channels[2])
        self.merge2 = _MergeUp(
            c2 + channels[2], channels[3], upsample=out_stride < 4)
        if out_stride < 4:
            # Stride 2 (-> 1): the stem.
            self.merge1 = _MergeUp(
                stem_channels + channels[3],
                channels[3],
                upsample=out_stride == 1)
        self.out_stride = out_stride

    @property
    def needs_stem(self) -> bool:
        return self.out_stride < 4

    def forward(self, feats: Sequence[torch.Tensor]) -> torch.Tensor:
        if self.needs_stem:
            stem, c2, c3, c4, c5 = feats
        else:
            c2, c3, c4, c5 = feats
        x = F.relu(self.top(c5))
        x = self.merge4(torch.cat([x, c4], 1))
        x = self.merge3(torch.cat([x, c3], 1))
        x = self.merge2(torch.cat([x, c2], 1))
        if self.needs_stem:
            x = self.merge1(torch.cat([x, stem], 1))
        return x
