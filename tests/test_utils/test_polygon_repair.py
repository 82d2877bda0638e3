"""Simple output polygons: the repair itself, and every post-processor that
uses it (FCENet's Fourier contours really do cross themselves)."""
import numpy as np
import pytest
import torch
from mmengine.structures import InstanceData
from shapely.geometry import Polygon

from mmocr.models.textdet.postprocessors import FCEPostprocessor
from mmocr.registry import MODELS
from mmocr.structures import TextDetDataSample
from oclip_mmocr.utils.polygon_repair import (is_simple_polygon,
                                              keep_simple_polygons,
                                              repair_polygon)
from tests.geometry import curved_band, word_box

BOW_TIE = np.array([0, 0, 40, 12, 40, 0, 0, 12], np.float32)


def test_valid_polygons_come_back_unchanged():
    for poly in (word_box(100, 50, 300, 30, 17).reshape(-1),
                 curved_band(200, 300, 120, 24).reshape(-1)):
        poly = poly.astype(np.float32)
        out = repair_polygon(poly)
        assert out.dtype == np.float32
        np.testing.assert_array_equal(out, poly)


def test_bow_tie_keeps_one_lobe():
    assert not is_simple_polygon(BOW_TIE)
    out = repair_polygon(BOW_TIE)
    assert is_simple_polygon(out)
    # The crossing is at (20, 6): each lobe is a triangle of area 120.
    assert Polygon(out.reshape(-1, 2)).area == pytest.approx(120)


def test_loop_at_a_word_end_is_cut_off():
    # A 120x12 word whose last two vertices swap: a small loop on the right.
    word = np.array([0, 0, 100, 0, 120, 12, 120, 0, 100, 12, 0, 12],
                    np.float64)
    assert not is_simple_polygon(word)
    out = repair_polygon(word)
    assert is_simple_polygon(out)
    area = Polygon(out.reshape(-1, 2)).area
    assert 1100 < area <= 1260  # the word body (~1200 + the loop's half)


def test_nothing_left_is_none():
    assert repair_polygon([0, 0, 10, 10, 20, 20]) is None  # a line
    assert repair_polygon([0, 0, 10, 10]) is None
    assert repair_polygon([0, 0, 10, 0, np.nan, 5]) is None


def test_keep_simple_polygons_filters_every_field():
    inst = InstanceData(
        polygons=[BOW_TIE, np.array([0, 0, 5, 5, 10, 10], np.float32),
                  word_box(50, 50, 30, 6).reshape(-1).astype(np.float32)],
        scores=torch.tensor([0.9, 0.8, 0.7]),
        texts=['tie', 'line', 'word'])
    out = keep_simple_polygons(inst)
    assert out.texts == ['tie', 'word']
    assert out.scores.tolist() == pytest.approx([0.9, 0.7])
    assert all(is_simple_polygon(p) for p in out.polygons)


def _figure_eight_fce(cls_type):
    """One FCENet level (stride 8, degree 2) whose text pixels all predict
    the curve ``x = 3 cos t, y = 1.5 sin 2t`` (feature cells): a figure
    eight, crossing itself at its centre."""
    k = 2
    post = MODELS.build(dict(type=cls_type, fourier_degree=k,
                             num_reconstr_points=50, scales=(8, ),
                             text_repr_type='poly'))
    h = w = 16
    cls = torch.full((4, h, w), -10.)
    cls[1, 6:9, 5:11] = cls[3, 6:9, 5:11] = 10.  # text and centre line
    # x + iy = a cos t + i b sin 2t = a/2 (e^it + e^-it) + b/2 (e^2it -
    # e^-2it): real coefficients, so only the x (real-part) channels.
    reg = torch.zeros(2 * (2 * k + 1), h, w)
    a, b = 3.0, 1.5
    reg[k + 1] = reg[k - 1] = a / 2
    reg[k + 2], reg[k - 2] = b / 2, -b / 2
    ds = TextDetDataSample(metainfo=dict(scale_factor=(1., 1.)))
    return post([dict(cls_res=cls[None], reg_res=reg[None])], [ds])[0]


def test_fce_postprocessor_emits_simple_polygons():
    # MMOCR's own post-processor really does emit the figure eight ...
    raw = _figure_eight_fce('FCEPostprocessor').pred_instances
    assert len(raw.polygons) >= 1
    assert not all(is_simple_polygon(p) for p in raw.polygons)
    # ... ours keeps one lobe of it.
    ours = _figure_eight_fce('ValidFCEPostprocessor').pred_instances
    assert len(ours.polygons) == len(raw.polygons)
    assert all(is_simple_polygon(p) for p in ours.polygons)
    assert isinstance(MODELS.build(dict(
        type='ValidFCEPostprocessor', fourier_degree=5,
        num_reconstr_points=50)), FCEPostprocessor)


def test_textbpn_postprocessor_emits_simple_polygons():
    post = MODELS.build(dict(type='TextBPNPostprocessor', num_points=4))
    ring = BOW_TIE.reshape(-1, 2) * 4
    good = word_box(200, 100, 120, 12, 10)
    ds = TextDetDataSample(metainfo=dict(scale_factor=(2., 2.)))
    out = post([(np.stack([ring, good]), np.array([0.9, 0.8]))], [ds])[0]
    polys = out.pred_instances.polygons
    assert len(polys) == 2 and all(is_simple_polygon(p) for p in polys)
    # The valid word is untouched apart from the rescale to the original.
    np.testing.assert_allclose(polys[1].reshape(-1, 2), good / 2, atol=1e-4)
