# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from typing import Tuple

import torch
import torch.nn.functional as F


def resize_grid_pos_embed(pos_embed: torch.Tensor,
                          out_hw: Tuple[int, int]) -> torch.Tensor:
    """Bicubically resize a square-grid positional embedding.

    The embeddings are learnt for the pretraining resolution (a ``g x g``
    grid of stride-32 tokens); other input sizes (tests, finetuning crops,
    non-square images) need the grid resampled.

    Args:
        pos_embed (Tensor): ``(g * g, C)``.
        out_hw (tuple[int, int]): Target grid ``(h, w)``.

    Returns:
        Tensor: ``(h * w, C)``; ``pos_embed`` itself if the grid matches.
    """
    num, channels = pos_embed.shape
    g = int(round(num**0.5))
    if g * g != num:
        raise ValueError(f'positional embedding of {num} tokens is not a '
                         'square grid')
    if (g, g) == tuple(out_hw):
        return pos_embed
    grid = pos_embed.reshape(1, g, g, channels).permute(0, 3, 1, 2)
    grid = F.interpolate(
        grid.float(), size=out_hw, mode='bicubic', align_corners=False)
    return grid.to(pos_embed.dtype).permute(0, 2, 3, 1).reshape(-1, channels)
