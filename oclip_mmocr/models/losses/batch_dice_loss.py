# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from typing import Optional

import torch
import torch.nn as nn

from mmocr.registry import MODELS


@MODELS.register_module()
class BatchDiceLoss(nn.Module):
    """Dice loss summed over the whole batch, with smoothing (Mask
    TextSpotter v3's SPN loss).

    Batch-level sums let an image without cared text (none, or only ``###``
    after a crop) still push its false positives down; the smoothing keeps
    that true for a batch without any text, where a plain ratio would be
    0/0. MMOCR's ``MaskedDiceLoss`` adds its epsilon to the denominator only,
    so a text-free batch scores 1 whatever the prediction: no gradient.

    Args:
        smooth (float): Added to the numerator and the denominator.
        loss_weight (float): Multiplier of the loss.

    Shapes:
        pred, target, mask: ``(N, H, W)``; output: a scalar.
    """

    def __init__(self, smooth: float = 1., loss_weight: float = 1.) -> None:
        super().__init__()
        self.smooth = smooth
        self.loss_weight = loss_weight

    def forward(self, pred: torch.Tensor, target: torch.Tensor,
                mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        if mask is not None:
            pred, target = pred * mask, target * mask
        inter = (pred * target).sum()
        union = (pred * pred).sum() + (target * target).sum()
        dice = (2 * inter + self.smooth) / (union + self.smooth)
        return self.loss_weight * (1 - dice)
