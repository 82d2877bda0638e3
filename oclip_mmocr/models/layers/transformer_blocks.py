# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Transformer blocks shared by the text encoder and the visual-textual
decoder. Sub-module names (``attn``, ``ln_1``, ``mlp.c_fc``, ...) follow the
released oCLIP checkpoints so that conversion is a pure prefix rename."""
from collections import OrderedDict
from typing import Optional, Tuple

import torch
import torch.nn as nn


class QuickGELU(nn.Module):
    """``x * sigmoid(1.702 x)``, the GELU approximation CLIP was trained
    with."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.sigmoid(1.702 * x)


def _mlp(width: int, ratio: int = 4) -> nn.Sequential:
    return nn.Sequential(
        OrderedDict([('c_fc', nn.Linear(width, width * ratio)),
                     ('gelu', QuickGELU()),
                     ('c_proj', nn.Linear(width * ratio, width))]))


class _ResidualBlock(nn.Module):
    """Attention + QuickGELU MLP (4x) with two LayerNorms."""

    def __init__(self, width: int, num_heads: int) -> None:
        super().__init__()
        self.attn = nn.MultiheadAttention(width, num_heads, batch_first=True)
        self.ln_1 = nn.LayerNorm(width)
        self.mlp = _mlp(width)
        self.ln_2 = nn.LayerNorm(width)


class SelfAttentionBlock(_ResidualBlock):
    """Pre-LayerNorm residual self-attention block.

    Args:
        width (int): Channels ``C``.
        num_heads (int): Attention heads.
    """

    def forward(self,
                x: torch.Tensor,
                attn_mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        """
        Args:
            x (Tensor): ``(N, L, C)``.
            attn_mask (Tensor, optional): Additive ``(L, L)`` mask.

        Returns:
            Tensor: ``(N, L, C)``.
        """
        h = self.ln_1(x)
        x = x + self.attn(
            h, h, h, attn_mask=attn_mask, need_weights=False)[0]
        return x + self.mlp(self.ln_2(x))


class CrossAttentionBlock(_ResidualBlock):
    """Residual cross-attention block of the visual-textual decoder.

    Queries attend to image tokens only (no self-attention among queries).
    As in the released oCLIP code, the LayerNorm ``ln_1`` normalises the
    attention *output* before the residual sum rather than the queries;
    keeping it lets converted official checkpoints behave as trained.

    Args:
        width (int): Channels ``C``.
        num_heads (int): Attention heads.
    """

    def forward(
        self,
        query: torch.Tensor,
        key: torch.Tensor,
        value: torch.Tensor,
        key_padding_mask: Optional[torch.Tensor] = None,
        need_weights: bool = False
    ) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
        """
        Args:
            query (Tensor): ``(B, S, C)`` word queries.
            key (Tensor): ``(B, HW, C)`` image tokens plus position.
            value (Tensor): ``(B, HW, C)`` image tokens.
            key_padding_mask (Tensor, optional): ``(B, HW)``, True = ignore.
            need_weights (bool): Also return head-averaged attention.

        Returns:
            tuple(Tensor, Tensor | None): ``(B, S, C)`` and, if asked,
            ``(B, S, HW)`` attention weights.
        """
        out, weights = self.attn(
            query,
            key,
            value,
            key_padding_mask=key_padding_mask,
            need_weights=need_weights)
        query = query + self.ln_1(out)
        query = query + self.mlp(self.ln_2(query))
        return query, weights


def init_transformer_weights(blocks, width: int, num_layers: int) -> None:
    """CLIP's initialisation: small, depth-scaled output projections."""
    proj_std = (width**-0.5) * ((2 * num_layers)**-0.5)
    attn_std = width**-0.5
    fc_std = (2 * width)**-0.5
    for block in blocks:
        nn.init.normal_(block.attn.in_proj_weight, std=attn_std)
        nn.init.normal_(block.attn.out_proj.weight, std=proj_std)
        nn.init.normal_(block.mlp.c_fc.weight, std=fc_std)
        nn.init.normal_(block.mlp.c_proj.weight, std=proj_std)
