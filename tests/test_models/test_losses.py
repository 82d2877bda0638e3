"""MaskedCharLoss and BatchContrastiveLoss: padding ignored, a hand
computation, the learnable temperature."""
import math

import numpy as np
import pytest
import torch

from mmocr.registry import MODELS


def test_masked_char_loss_ignores_padding_words():
    loss = MODELS.build(dict(type='MaskedCharLoss'))
    logits = torch.randn(2, 3, 10)
    targets = torch.tensor([[1, 2, 0], [3, 0, 0]])
    valid = torch.tensor([[True, True, False], [True, False, False]])
    expected = torch.nn.functional.cross_entropy(
        torch.stack([logits[0, 0], logits[0, 1], logits[1, 0]]),
        torch.tensor([1, 2, 3]))
    torch.testing.assert_close(loss(logits, targets, valid), expected)
    # Garbage in padded slots changes nothing.
    logits2 = logits.clone()
    logits2[~valid] = 100.
    torch.testing.assert_close(loss(logits2, targets, valid), expected)



def test_contrastive_loss_matches_hand_computation():
    loss_fn = MODELS.build(dict(type='BatchContrastiveLoss'))
    img = torch.tensor([[1., 0., 0.], [0., 2., 0.], [1., 1., 0.]])
    txt = torch.tensor([[3., 0., 0.], [0., 1., 1.], [0., 0., 1.]])
    # By hand: cosine similarities of the normalised rows, scaled by 1/0.07.
    i = img.numpy() / np.linalg.norm(img.numpy(), axis=1, keepdims=True)
    t = txt.numpy() / np.linalg.norm(txt.numpy(), axis=1, keepdims=True)
    s = (i @ t.T) / 0.07

    def ce(rows):
        return np.mean([
            -rows[k, k] + math.log(np.exp(rows[k]).sum())
            for k in range(3)
        ])

    expected = ce(s) + ce(s.T)
    got = loss_fn(img, txt)
    assert got.item() == pytest.approx(expected, rel=1e-5)
    halved = MODELS.build(dict(type='BatchContrastiveLoss', halve=True))
    assert halved(img, txt).item() == pytest.approx(expected / 2, rel=1e-5)



def test_temperature_is_learnable():
    loss_fn = MODELS.build(dict(type='BatchContrastiveLoss'))
    assert loss_fn.logit_scale.requires_grad
    assert loss_fn.logit_scale.item() == pytest.approx(math.log(1 / 0.07))
    img, txt = torch.randn(4, 8), torch.randn(4, 8)
    loss_fn(img, txt).backward()
    assert loss_fn.logit_scale.grad is not None
    assert loss_fn.logit_scale.grad.abs().item() > 0
