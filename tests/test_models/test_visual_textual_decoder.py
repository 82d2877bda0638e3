"""VisualTextualDecoder: shapes and attention maps."""

import torch

from mmocr.registry import MODELS


def test_decoder_shapes_and_attention():
    dec = MODELS.build(dict(type='VisualTextualDecoder', num_classes=97,
                            grid_size=4, embed_dims=32, num_layers=6,
                            num_heads=8))
    assert len(dec.resblocks) == 6
    logits, attn = dec(torch.rand(2, 3, 32), torch.rand(2, 12, 32), (3, 4),
                       return_attention=True)
    assert logits.shape == (2, 3, 97) and attn.shape == (2, 3, 3, 4)
    torch.testing.assert_close(attn.sum((-2, -1)), torch.ones(2, 3))
    # No self-attention among queries: each word's output depends only on
    # itself and the image.
    q = torch.rand(1, 2, 32)
    img = torch.rand(1, 12, 32)
    alone, _ = dec(q[:, :1], img, (3, 4))
    pair, _ = dec(q, img, (3, 4))
    torch.testing.assert_close(alone[:, 0], pair[:, 0])
