# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from typing import Dict, Optional

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from mmocr.registry import MODELS
from ..layers.transformer_blocks import (SelfAttentionBlock,
                                         init_transformer_weights)


class _Transformer(nn.Module):
    # A container so that parameter names read ``transformer.resblocks.N``
    # like the released checkpoints.

    def __init__(self, width: int, num_layers: int, num_heads: int) -> None:
        super().__init__()
        self.resblocks = nn.ModuleList(
            SelfAttentionBlock(width, num_heads) for _ in range(num_layers))


@MODELS.register_module()
class CharTextEncoder(BaseModule):
    """oCLIP's character-aware text encoder.

    Each word is a sequence of ``max_len`` character ids; it is embedded with
    the character matrix ``W_c`` (``token_embedding``) plus a *learnable*
    positional embedding, run through a causal pre-LayerNorm transformer,
    and the output at the end-of-word token, LayerNorm-ed and projected, is
    the word's embedding. Words are encoded independently of each other.

    Args:
        vocab_size (int): Number of character ids (pad, mask and end-of-word
            included). Usually filled in from the model's dictionary.
        end_id (int): Id of the end-of-word token.
        max_len (int): Character slots per word. Defaults to 25.
        width (int): Transformer width. Defaults to 64.
        num_layers (int): Transformer layers. Defaults to 6.
        num_heads (int): Attention heads. Defaults to 8.
        embed_dims (int): Output embedding size. Defaults to 384.
        causal (bool): Use the causal mask of the released code (the
            end-of-word token is the last real one, so it still sees the
            whole word). Defaults to True.
        init_cfg (dict, optional): Initialisation config.
    """
    #: OCLIP fills ``vocab_size`` / ``end_id`` / ``max_len`` from its
    #: character dictionary.
    uses_char_dictionary = True

    def __init__(self,
                 vocab_size: int,
                 end_id: int,
                 max_len: int = 25,
                 width: int = 64,
                 num_layers: int = 6,
                 num_heads: int = 8,
                 embed_dims: int = 384,
                 causal: bool = True,
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.end_id = end_id
        self.max_len = max_len
        self.token_embedding = nn.Embedding(vocab_size, width)
        self.positional_embedding = nn.Parameter(torch.empty(max_len, width))
        self.transformer = _Transformer(width, num_layers, num_heads)
        self.ln_final = nn.LayerNorm(width)
        self.text_projection = nn.Parameter(torch.empty(width, embed_dims))
        mask = torch.full((max_len, max_len), float('-inf')).triu_(1)
        self.register_buffer(
            'attn_mask', mask if causal else None, persistent=False)

        nn.init.normal_(self.token_embedding.weight, std=0.02)
        nn.init.normal_(self.positional_embedding, std=0.01)
        nn.init.normal_(self.text_projection, std=width**-0.5)
        init_transformer_weights(self.transformer.resblocks, width,
                                 num_layers)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """
        Args:
            tokens (Tensor): ``(N, L)`` character ids, ``L == max_len``.

        Returns:
            Tensor: ``(N, embed_dims)`` word embeddings. For an all-padding
            row (an empty word slot) this is the output at position 0, as in
            the released code; callers decide whether to use it.
        """
        if tokens.shape[-1] != self.max_len:
            raise ValueError(f'expected {self.max_len} character slots per '
                             f'word, got {tokens.shape[-1]}')
        x = self.token_embedding(tokens) + self.positional_embedding
        mask = None if self.attn_mask is None else self.attn_mask.to(x.dtype)
        for block in self.transformer.resblocks:
            x = block(x, attn_mask=mask)
        x = self.ln_final(x)
        # The first end-of-word position (0 for an all-padding slot). For
        # character ids the end-of-word id is the largest, so this is the
        # released code's argmax over ids.
        eow = (tokens == self.end_id).int().argmax(dim=-1)
        x = x[torch.arange(x.shape[0], device=x.device), eow]
        return x @ self.text_projection


@MODELS.register_module()
class WordTextEncoder(CharTextEncoder):
    """CLIP's word-level text encoder: the paper's ablation without the
    character-aware encoder ("-CAE").

    The same transformer as :class:`CharTextEncoder`, fed CLIP's byte-level
    BPE tokens of the masked word (:class:`BPETokenizeWords`) instead of one
    id per character: a token embedding over CLIP's 49408 ids plus one for
    the masked character, a learnable positional embedding over
    ``max_len`` token slots, pooled at the end-of-text token (49407).
    Everything else of the model is unchanged.

    Args:
        max_len (int): Token slots per word; must equal
            ``BPETokenizeWords.context_length``. Defaults to 32.
        **kwargs: See :class:`CharTextEncoder`.
    """
    uses_char_dictionary = False

    def __init__(self,
                 vocab_size: int = 49409,
                 end_id: int = 49407,
                 max_len: int = 32,
                 **kwargs) -> None:
        super().__init__(
            vocab_size=vocab_size, end_id=end_id, max_len=max_len, **kwargs)
