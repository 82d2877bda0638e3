"""The linear probe of text pixels: AUROC, the pixel labels at stride 4,
the probe itself on features whose separability is known, and the paired
bootstrap of the difference."""
import itertools

import numpy as np
import pytest
import torch

from oclip_mmocr.evaluation.linear_probe import (auroc,
                                                 paired_auroc_bootstrap,
                                                 probe, stride4_features,
                                                 text_pixel_labels)


def _pairwise_auroc(scores, labels):
    """The definition: share of (positive, negative) pairs ordered right,
    ties half."""
    pos = scores[labels == 1]
    neg = scores[labels == 0]
    wins = sum((p > n) + 0.5 * (p == n)
               for p, n in itertools.product(pos, neg))
    return wins / (len(pos) * len(neg))


def test_auroc_matches_its_definition():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 200)
    scores = np.round(labels * 0.7 + rng.normal(size=200), 1)  # with ties
    assert auroc(scores, labels) == pytest.approx(
        _pairwise_auroc(scores, labels), abs=1e-12)
    assert auroc(labels.astype(float), labels) == 1.0
    assert auroc(-labels.astype(float), labels) == 0.0
    assert auroc(np.zeros(200), labels) == 0.5
    assert np.isnan(auroc(np.ones(5), np.ones(5)))


def test_pixel_labels_at_stride_4():
    """A 40x8 px word at (8, 16) covers grid cells x 2..11, y 4..5 and the
    cells its border touches (x 12, y 6); a don't-care word is -1 and wins
    where it overlaps a cared one."""
    word = [8, 16, 48, 16, 48, 24, 8, 24]
    lab = text_pixel_labels([word], [False], (16, 16))
    ys, xs = np.nonzero(lab == 1)
    assert (xs.min(), xs.max(), ys.min(), ys.max()) == (2, 12, 4, 6)
    assert set(np.unique(lab)) == {0, 1}
    care = [0, 0, 32, 0, 32, 32, 0, 32]
    lab = text_pixel_labels([care, word], [False, True], (16, 16))
    assert lab[5, 5] == -1 and lab[1, 1] == 1 and lab[14, 14] == 0
    # Float and rotated geometry rasterise too.
    rot = np.array([[30.5, 10.2], [60.7, 25.1], [55.3, 35.9], [25.1, 21.0]])
    assert (text_pixel_labels([rot.ravel()], [False], (16, 16)) == 1).sum() \
        > 10


def test_stride4_features_upsamples_and_concatenates():
    levels = [torch.randn(2, c, 64 // s, 64 // s)
              for c, s in ((4, 1), (8, 2), (16, 4), (32, 8))]
    out = stride4_features(levels)
    assert out.shape == (2, 60, 64, 64)
    assert torch.equal(out[:, :4], levels[0])


def _images(rng, n, signal):
    """Per image: 3-channel features whose channel 0 carries the label
    with strength ``signal``, and its labels (some don't-care)."""
    out = []
    for _ in range(n):
        lab = (rng.random((16, 16)) < 0.2).astype(np.int8)
        lab[0, :4] = -1
        f = rng.normal(size=(3, 16, 16))
        f[0] += signal * lab
        out.append((torch.from_numpy(f).float(), lab))
    return out


def test_probe_reads_what_the_features_hold():
    rng = np.random.default_rng(0)
    strong, strong_imgs = probe(_images(rng, 6, 3.0), _images(rng, 6, 3.0))
    weak, _ = probe(_images(rng, 6, 0.0), _images(rng, 6, 0.0))
    assert strong > 0.95
    assert abs(weak - 0.5) < 0.05
    # Only valid pixels are scored: 6 images x (256 - 4 don't-care).
    assert sum(len(s) for s, _ in strong_imgs) == 6 * 252
    # The probe sees only the channels it is given: channel 0 is the signal.
    blind, _ = probe(_images(rng, 6, 3.0), _images(rng, 6, 3.0),
                     channels=slice(1, 3))
    assert abs(blind - 0.5) < 0.05


def test_paired_bootstrap_of_the_difference():
    rng = np.random.default_rng(1)
    fit, held = _images(rng, 6, 2.0), _images(rng, 12, 2.0)
    good = probe(fit, held)[1]
    noisy = [(f.clone(), lab) for f, lab in held]
    for f, lab in noisy:
        f[0] = torch.from_numpy(rng.normal(size=lab.shape)).float()
    bad = probe(fit, noisy)[1]
    res = paired_auroc_bootstrap(good, bad, num=100)
    assert res['low'] <= res['diff'] <= res['high']
    assert res['low'] > 0.2
    same = paired_auroc_bootstrap(good, good, num=50)
    assert same['diff'] == same['low'] == same['high'] == 0
