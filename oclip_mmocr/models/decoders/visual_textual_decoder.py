# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from typing import Dict, Optional, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from mmocr.registry import MODELS
from ..layers.pos_embed import resize_grid_pos_embed
from ..layers.transformer_blocks import (CrossAttentionBlock,
                                         init_transformer_weights)


@MODELS.register_module()
class VisualTextualDecoder(BaseModule):
    """oCLIP's visual-textual decoder.

    Each (masked) word embedding is a query that attends to the spatial image
    tokens through ``num_layers`` cross-attention blocks; the keys are the
    tokens plus a learnable position embedding, the values the tokens alone.
    Queries never attend to each other. A final LayerNorm and a linear
    classifier predict the masked character of each word.

    Args:
        num_classes (int): Vocabulary size; filled in from the dictionary.
        grid_size (int): Token grid side at the pretraining resolution.
        embed_dims (int): Width ``C``. Defaults to 384.
        num_layers (int): Cross-attention blocks. Defaults to 6.
        num_heads (int): Attention heads. Defaults to 8.
        init_std_width (int, optional): The released code initialises the
            decoder with the *text encoder's* width (a quirk kept for
            parity); defaults to ``embed_dims``.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 num_classes: int,
                 grid_size: int,
                 embed_dims: int = 384,
                 num_layers: int = 6,
                 num_heads: int = 8,
                 init_std_width: Optional[int] = None,
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.image_pos = nn.Parameter(
            torch.randn(grid_size**2, embed_dims) / embed_dims**0.5)
        self.resblocks = nn.ModuleList(
            CrossAttentionBlock(embed_dims, num_heads)
            for _ in range(num_layers))
        self.ln_final = nn.LayerNorm(embed_dims)
        self.classifier = nn.Linear(embed_dims, num_classes)
        std_width = init_std_width or embed_dims
        init_transformer_weights(self.resblocks, std_width, num_layers)
        nn.init.normal_(self.classifier.weight, std=std_width**-0.5)

    def forward(
        self,
        word_embeds: torch.Tensor,
        image_tokens: torch.Tensor,
        grid_hw: Tuple[int, int],
        return_attention: bool = False
    ) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
        """
        Args:
            word_embeds (Tensor): ``(B, S, C)`` embeddings of the masked
                words (``S`` word slots per image).
            image_tokens (Tensor): ``(B, h * w, C)`` spatial tokens.
            grid_hw (tuple[int, int]): ``(h, w)`` of the token grid.
            return_attention (bool): Also return the last block's
                head-averaged attention.

        Returns:
            tuple(Tensor, Tensor | None): ``(B, S, num_classes)`` logits of
            the masked character and, if asked, ``(B, S, h, w)`` attention
            maps.
        """
        pos = resize_grid_pos_embed(self.image_pos, grid_hw)
        keys = image_tokens + pos.to(image_tokens.dtype)
        x, weights = word_embeds, None
        last = len(self.resblocks) - 1
        for i, block in enumerate(self.resblocks):
            x, weights = block(
                x,
                keys,
                image_tokens,
                need_weights=return_attention and i == last)
        logits = self.classifier(self.ln_final(x))
        if weights is not None:
            weights = weights.reshape(*weights.shape[:2], *grid_hw)
        return logits, weights
