# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
import math
from typing import Optional, Tuple

import torch
import torch.distributed as torch_dist
import torch.nn as nn
import torch.nn.functional as F
from mmengine.dist import get_dist_info

from mmocr.registry import MODELS


def gather_with_local_grad(x: torch.Tensor) -> Tuple[torch.Tensor, int]:
    """All-gather ``(N, C)`` features from every rank.

    The local rows keep their autograd graph; rows from other ranks are
    constants here (their own rank back-propagates through them). Every rank
    computes the loss of the whole global batch, and DDP *averages* parameter
    gradients over ranks, which would divide the gradient reaching each
    rank's features by the world size. The local rows' gradient is therefore
    multiplied by the world size (their value is unchanged), so multi-process
    gradients equal single-process gradients over the same global batch.
    Parameters used on every rank with the full batch (the temperature) are
    not scaled: their gradient is already the full one on each rank.

    Returns:
        tuple(Tensor, int): ``(world_size * N, C)`` (rank-major order, so the
        result is identical on all ranks) and the world size.
    """
    rank, world_size = get_dist_info()
    if world_size == 1:
        return x, 1
    gathered = [torch.empty_like(x) for _ in range(world_size)]
    torch_dist.all_gather(gathered, x.detach().contiguous())
    gathered[rank] = x + (world_size - 1) * (x - x.detach())
    return torch.cat(gathered), world_size


@MODELS.register_module()
class BatchContrastiveLoss(nn.Module):
    """Symmetric image<->text InfoNCE over the global batch.

    ``loss = w * s * (CE(t * I T^T, diag) + CE(t * T I^T, diag))`` with
    L2-normalised image embeddings ``I`` and text embeddings ``T`` gathered
    from all ranks, a learnable temperature ``t = exp(logit_scale)``
    (initialised to ``1 / 0.07``) and ``s = 0.5`` if ``halve`` else 1.

    Negatives come from the whole global batch (see
    :func:`gather_with_local_grad` for how gradients stay exact under DDP).

    Args:
        loss_weight (float): ``w``. Defaults to 1.0.
        halve (bool): Average the two directions instead of summing them. The
            released oCLIP code does this; the paper sums them. Defaults to
            False (the paper).
        init_temperature (float): Initial temperature. Defaults to 0.07.
        max_logit_scale (float, optional): Clamp ``t`` to at most this value
            (CLIP uses 100). None disables the clamp. Defaults to 100.
    """

    def __init__(self,
                 loss_weight: float = 1.0,
                 halve: bool = False,
                 init_temperature: float = 0.07,
                 max_logit_scale: Optional[float] = 100.) -> None:
        super().__init__()
        self.loss_weight = loss_weight
        self.halve = halve
        self.max_logit_scale = max_logit_scale
        self.logit_scale = nn.Parameter(
            torch.tensor(math.log(1 / init_temperature)))

    def logits(self, image_embeds: torch.Tensor,
               text_embeds: torch.Tensor) -> torch.Tensor:
        """Scaled cosine similarities ``(N_img, N_txt)``."""
        scale = self.logit_scale.exp()
        if self.max_logit_scale is not None:
            scale = scale.clamp(max=self.max_logit_scale)
        image_embeds = F.normalize(image_embeds.float(), dim=-1)
        text_embeds = F.normalize(text_embeds.float(), dim=-1)
        return scale * image_embeds @ text_embeds.t()

    def forward(self, image_embeds: torch.Tensor,
                text_embeds: torch.Tensor) -> torch.Tensor:
        """
        Args:
            image_embeds (Tensor): ``(B, C)`` local image embeddings.
            text_embeds (Tensor): ``(B, C)`` local text embeddings, row i
                paired with image i.

        Returns:
            Tensor: Scalar loss.
        """
        all_images, _ = gather_with_local_grad(image_embeds)
        all_texts, _ = gather_with_local_grad(text_embeds)
        logits = self.logits(all_images, all_texts)
        labels = torch.arange(logits.shape[0], device=logits.device)
        loss = F.cross_entropy(logits, labels) + F.cross_entropy(
            logits.t(), labels)
        if self.halve:
            loss = loss / 2
        return self.loss_weight * loss
