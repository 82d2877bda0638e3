# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Word-level (BPE) text input for the paper's "without CAE" ablation."""
from functools import lru_cache
from typing import Dict

import numpy as np
from mmcv.transforms import BaseTransform

from mmocr.registry import TRANSFORMS

#: CLIP's byte-level BPE vocabulary (open_clip_torch's shipped
#: bpe_simple_vocab_16e6.txt.gz): 49406 = start, 49407 = end of text; one
#: id is appended for the masked character.
CLIP_VOCAB_SIZE = 49408
MASK_TOKEN = '<mask>'


@lru_cache(maxsize=1)
def clip_tokenizer():
    """open_clip's CLIP tokenizer with ``<mask>`` as an extra special token
    (id 49408). Imported on first use: open_clip is only needed by this
    ablation."""
    try:
        from open_clip.tokenizer import SimpleTokenizer
    except ImportError as e:  # pragma: no cover - pinned in requirements
        raise ImportError(
            'the word-level (BPE) text encoder needs open_clip_torch '
            '(requirements/runtime.txt pins it): pip install '
            'open_clip_torch==3.3.0') from e
    tok = SimpleTokenizer(additional_special_tokens=[MASK_TOKEN],
                          context_length=None)
    assert tok.encoder[MASK_TOKEN] == CLIP_VOCAB_SIZE, 'unexpected vocabulary'
    return tok


def bpe_ids(tok, text: str):
    """CLIP's ids of ``text`` between start and end of text."""
    return [tok.sot_token_id] + tok.encode(text) + [tok.eot_token_id]


@TRANSFORMS.register_module()
class BPETokenizeWords(BaseTransform):
    """Replace each masked word's character ids by CLIP BPE ids.

    The word with its masked character replaced by ``<mask>`` (one
    token) is lower-cased and BPE-encoded as CLIP does (open_clip's
    ``SimpleTokenizer``), wrapped in start/end of text and zero-padded. The
    masked character's class (``gt_chars``) stays a character id: only the
    text encoder's input changes, the decoder still predicts the character.

    Required keys: ``words``, ``mask_positions`` (from
    :class:`MaskCharacters`). Modified keys: ``gt_tokens`` ``(n,
    context_length)`` BPE ids.

    Args:
        context_length (int): Token slots per word (start and end
            included). Defaults to 32. A word needing more is an error
            naming the image and the word.
    """

    def __init__(self, context_length: int = 32) -> None:
        if context_length < 3:
            raise ValueError(
                f'context_length must be >= 3, got {context_length}')
        self.context_length = context_length

    def transform(self, results: Dict) -> Dict:
        tok = clip_tokenizer()
        words, positions = results['words'], results['mask_positions']
        tokens = np.zeros((len(words), self.context_length), dtype=np.int64)
        for i, (word, pos) in enumerate(zip(words, positions)):
            masked = word[:pos] + MASK_TOKEN + word[pos + 1:]
            ids = bpe_ids(tok, masked)
            if len(ids) > self.context_length:
                raise ValueError(
                    f'{results.get("img_path")}: word {word!r} needs '
                    f'{len(ids)} BPE tokens, more than context_length='
                    f'{self.context_length}')
            tokens[i, :len(ids)] = ids
        results['gt_tokens'] = tokens
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(context_length={self.context_length})'
