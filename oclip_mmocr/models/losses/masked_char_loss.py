# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
import torch
import torch.nn as nn
import torch.nn.functional as F

from mmocr.registry import MODELS


@MODELS.register_module()
class MaskedCharLoss(nn.Module):
    """Cross-entropy of the masked character of each real word.

    Padding word slots carry no character and are excluded, so the loss is
    the mean over the real words of the batch (as in the released code).

    Args:
        loss_weight (float): Multiplier. Defaults to 1.0.
    """

    def __init__(self, loss_weight: float = 1.0) -> None:
        super().__init__()
        self.loss_weight = loss_weight

    def forward(self, logits: torch.Tensor, targets: torch.Tensor,
                valid: torch.Tensor) -> torch.Tensor:
        """
        Args:
            logits (Tensor): ``(B, S, V)`` character logits per word slot.
            targets (Tensor): ``(B, S)`` ids of the masked characters.
            valid (Tensor): ``(B, S)`` bool, True for real words.

        Returns:
            Tensor: Scalar loss (0 with a gradient if no word is valid).
        """
        if not valid.any():
            return logits.sum() * 0.
        loss = F.cross_entropy(logits[valid].float(), targets[valid])
        return self.loss_weight * loss
