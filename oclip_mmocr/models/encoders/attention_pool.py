# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
import torch
import torch.nn as nn
import torch.nn.functional as F

from mmocr.registry import MODELS
from ..layers.pos_embed import resize_grid_pos_embed


@MODELS.register_module()
class AttentionPool2d(nn.Module):
    """CLIP's attention pooling, returning every token.

    The ``(B, C, H, W)`` feature map is flattened to ``HW`` tokens, their mean
    is prepended, a learnable positional embedding is added and one multi-head
    attention runs with every token as a query. Token 0 is the global image
    embedding; tokens ``1..HW`` are the spatial tokens oCLIP's decoder
    attends to.

    Args:
        grid_size (int): Token grid side at the pretraining resolution
            (``input_size // 32``); other sizes are interpolated.
        in_channels (int): ``C`` (2048 for ResNet-50/101).
        num_heads (int): Attention heads. Defaults to 32.
        out_channels (int): Output channels. Defaults to 384.
    """

    def __init__(self,
                 grid_size: int,
                 in_channels: int = 2048,
                 num_heads: int = 32,
                 out_channels: int = 384) -> None:
        super().__init__()
        if in_channels % num_heads:
            raise ValueError(f'in_channels={in_channels} is not divisible by '
                             f'num_heads={num_heads}')
        self.grid_size = grid_size
        self.num_heads = num_heads
        self.positional_embedding = nn.Parameter(
            torch.randn(grid_size**2 + 1, in_channels) / in_channels**0.5)
        self.k_proj = nn.Linear(in_channels, in_channels)
        self.q_proj = nn.Linear(in_channels, in_channels)
        self.v_proj = nn.Linear(in_channels, in_channels)
        self.c_proj = nn.Linear(in_channels, out_channels)
        std = in_channels**-0.5
        for proj in (self.q_proj, self.k_proj, self.v_proj, self.c_proj):
            nn.init.normal_(proj.weight, std=std)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """
        Args:
            x (Tensor): ``(B, C, H, W)``.

        Returns:
            Tensor: ``(B, 1 + H * W, out_channels)``.
        """
        b, c, h, w = x.shape
        tokens = x.flatten(2).transpose(1, 2)  # (B, HW, C)
        tokens = torch.cat([tokens.mean(dim=1, keepdim=True), tokens], dim=1)
        pos = self.positional_embedding
        pos = torch.cat([pos[:1], resize_grid_pos_embed(pos[1:], (h, w))])
        tokens = tokens + pos.to(tokens.dtype)

        def heads(t: torch.Tensor) -> torch.Tensor:
            return t.view(b, -1, self.num_heads, c // self.num_heads) \
                .transpose(1, 2)

        out = F.scaled_dot_product_attention(
            heads(self.q_proj(tokens)), heads(self.k_proj(tokens)),
            heads(self.v_proj(tokens)))
        out = out.transpose(1, 2).reshape(b, -1, c)
        return self.c_proj(out)
