"""TextBPNModuleLoss: targets on hand-made polygons, point matching
unchanged by the start vertex, MMOCR's module-loss contract, dense images
keep every word, words too small to propose are ignored at every stride."""
import numpy as np
import pytest
import torch

from mmocr.models.textdet.module_losses.base import BaseTextDetModuleLoss
from oclip_mmocr.models.textdet import TextBPNModuleLoss
from oclip_mmocr.models.textdet.layers import signed_area
from tests.geometry import word_box
from tests.test_models.test_textdet.textbpn_helpers import (
    CURVE, IGNORED, RECT, sample, tiny_textbpn)


def test_targets_on_hand_made_polygons():
    loss = TextBPNModuleLoss(jitter=0.)
    t = loss.get_targets([sample([RECT, CURVE, IGNORED],
                                 [False, False, True])])
    tr, train = t['tr_mask'][0].numpy(), t['train_mask'][0].numpy()
    dist, direc = t['dist'][0].numpy(), t['direction'][0].numpy()
    # Rectangle: inside is text, outside is not.
    assert tr[35, 60] == 1 and tr[10, 10] == 0 and tr[35, 105] == 0
    # Curved band: its middle is text, the circle's centre side is not.
    assert tr[int(120 - 50), 64] == 1 and tr[int(120 - 30), 64] == 0
    # Ignored instance: cut out of the training mask, not text.
    assert train[110, 110] == 0 and tr[110, 110] == 0 and train[35, 60] == 1
    # Distance field: 1 on the rectangle's medial line, ~0 at its edge.
    assert dist[35, 60] == pytest.approx(1., abs=0.1)
    assert dist[21, 60] < 0.2 and dist[10, 10] == 0
    # Direction: unit vectors pointing away from the nearest edge.
    assert direc[:, 35, 22] == pytest.approx([1., 0.], abs=1e-6)
    assert direc[:, 35, 98] == pytest.approx([-1., 0.], abs=1e-6)
    assert direc[:, 22, 60] == pytest.approx([0., 1.], abs=1e-6)
    assert np.linalg.norm(direc[:, tr > 0], axis=0) == pytest.approx(1.)
    # Two rings (the ignored instance has none), 20 vertices each, the
    # ground truth on the rectangle's boundary and the proposal inside it.
    assert t['gt_points'].shape == (2, 20, 2)
    assert t['inds'].tolist() == [0, 0]
    gt, prop = t['gt_points'][0].numpy(), t['proposals'][0].numpy()
    on_edge = (np.isclose(gt[:, 0], 20) | np.isclose(gt[:, 0], 100) |
               np.isclose(gt[:, 1], 20) | np.isclose(gt[:, 1], 50))
    assert on_edge.all()
    assert (prop[:, 0] > 20).all() and (prop[:, 0] < 100).all()
    assert (prop[:, 1] > 20).all() and (prop[:, 1] < 50).all()
    assert signed_area(gt) > 0 and signed_area(prop) > 0  # same winding


def test_point_matching_ignores_the_start_vertex():
    g = torch.Generator().manual_seed(0)
    gt = torch.rand(3, 20, 2, generator=g) * 50
    pred = gt + torch.randn(3, 20, 2, generator=g)
    base = TextBPNModuleLoss.point_matching(pred, gt)
    for shift in (1, 7, 19):
        rolled = torch.roll(gt, shift, dims=1)
        assert TextBPNModuleLoss.point_matching(pred, rolled) == \
            pytest.approx(float(base), rel=1e-6)
    # A perfect ring, whatever its start vertex, costs nothing...
    assert TextBPNModuleLoss.point_matching(torch.roll(gt, 5, 1), gt) == 0
    # ... and a reversed one does.
    assert TextBPNModuleLoss.point_matching(gt.flip(1), gt) > 0


def test_module_loss_follows_mmocr_contract():
    """``TextBPNModuleLoss`` is an MMOCR ``BaseTextDetModuleLoss``:
    ``get_targets(data_samples)`` and ``forward(preds, data_samples)``; the
    head's shortcut (targets passed in) gives the same losses."""
    model = tiny_textbpn(stride=4)
    loss = model.det_head.module_loss
    assert isinstance(loss, BaseTextDetModuleLoss) and loss.stride == 4
    data = model.data_preprocessor(
        dict(inputs=[torch.randint(0, 255, (3, 128, 128), dtype=torch.uint8)],
             data_samples=[sample([RECT, CURVE], [False, False])]),
        training=True)
    x = model.extract_feat(data['inputs'])
    maps, nodes = model.det_head(x)
    targets = loss.get_targets(data['data_samples'])
    assert targets['tr_mask'].shape[-2:] == maps.shape[-2:]
    rings = model.det_head.deformation(nodes, targets['proposals'],
                                       targets['inds'])
    given = loss((maps, rings), data['data_samples'], targets=targets)
    rebuilt = loss((maps, rings), data['data_samples'])
    for k in given:  # only the (unused here) proposals are random
        assert float(given[k]) == pytest.approx(float(rebuilt[k]), rel=1e-6)


def test_dense_images_keep_every_word_in_the_maps():
    """100 words: all are text in the maps; only the rings are capped."""
    loss = TextBPNModuleLoss(stride=4, max_rings=64)
    polys = [word_box(20 + 46 * (k % 10), 16 + 40 * (k // 10), 40, 16)
             for k in range(100)]
    s = sample([p.reshape(-1) for p in polys], [False] * 100,
               size=(416, 480))
    t = loss.get_targets([s])
    tr = t['tr_mask'][0].numpy()
    for p in polys:  # every centre (map pixel) is text
        cx, cy = np.round(p.mean(0) / 4).astype(int)
        assert tr[cy, cx] == 1
    assert t['gt_points'].shape[0] == 64 and t['proposals'].shape[0] == 64
    # The capped rings are a subset of the words, each once.
    centres = np.round(t['gt_points'].numpy().mean(1) * 4)
    words = np.round(np.stack([p.mean(0) for p in polys]))
    hits = [np.nonzero(np.abs(words - c).max(1) <= 1)[0] for c in centres]
    assert all(len(h) == 1 for h in hits)
    assert len({int(h[0]) for h in hits}) == 64


@pytest.mark.parametrize('stride', [1, 2, 4])
def test_words_too_small_to_propose_are_ignored(stride):
    """The released rule: a word whose largest inner distance, drawn at
    input resolution as cv2 draws it, is under 4 px (words up to ~5 px tall,
    here 24x4) is cut out of the training mask and gets no ring; a 60x12
    word is text. The same at every stride and sub-pixel position."""
    loss = TextBPNModuleLoss(stride=stride)
    for dx in np.linspace(0, stride, 4, endpoint=False):
        small = word_box(40 + dx, 40 + dx, 24, 4)
        big = word_box(100 + dx, 80 + dx, 60, 12)
        t = loss.get_targets([sample([small.reshape(-1), big.reshape(-1)],
                                     [False, False])])
        assert t['gt_points'].shape[0] == 1
        c_small = np.round(small.mean(0) / stride).astype(int)
        c_big = np.round(big.mean(0) / stride).astype(int)
        train, tr = t['train_mask'][0].numpy(), t['tr_mask'][0].numpy()
        assert train[c_small[1], c_small[0]] == 0 and tr[c_small[1],
                                                         c_small[0]] == 0
        assert train[c_big[1], c_big[0]] == 1 and tr[c_big[1], c_big[0]] == 1
