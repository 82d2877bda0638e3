"""CharTextEncoder: the end-of-word token carries the word."""

import pytest
import torch

from mmocr.registry import MODELS
from oclip_mmocr.models import OCLIPDictionary


def test_text_encoder_uses_end_of_word_token():
    d = OCLIPDictionary()
    enc = MODELS.build(dict(type='CharTextEncoder', vocab_size=97,
                            end_id=96, width=16, num_layers=2, num_heads=4,
                            embed_dims=12)).eval()
    a = torch.tensor([d.encode('cat')[0]])
    out = enc(a)
    assert out.shape == (1, 12)
    # Causal mask + end-of-word pooling: padding after the word is ignored.
    b = a.clone()
    b[0, 10] = 5
    torch.testing.assert_close(enc(b), out)
    # ... but every character before it matters.
    c = a.clone()
    c[0, 0] = d.char2id['b']
    assert not torch.allclose(enc(c), out)
    with pytest.raises(ValueError, match='25 character slots'):
        enc(torch.zeros(1, 10, dtype=torch.long))
