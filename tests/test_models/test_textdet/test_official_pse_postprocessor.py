"""OfficialPSEPostprocessor: an instance is kept only when its area and its
mean text score both pass (whai362/PSENet models/head/psenet_head.py);
MMOCR's PSEPostprocessor keeps it when either does."""
import numpy as np
import pytest
import torch

from mmocr.registry import MODELS
from mmocr.structures import TextDetDataSample
from mmocr.utils import register_all_modules

register_all_modules()
import oclip_mmocr  # noqa: E402,F401


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def _maps(words, shape=(64, 160), kernels=7):
    """(kernels, H, W) logits at stride 4: each word a rectangle (x0, y0,
    x1, y1) of text score ``p``, its kernels shrinking by 1 px per level."""
    m = torch.full((kernels, ) + shape, -8.0)
    for (x0, y0, x1, y1), p in words:
        for k in range(kernels):
            s = min(k, (min(x1 - x0, y1 - y0) - 1) // 2)
            m[k, y0 + s:y1 - s, x0 + s:x1 - s] = _logit(p)
    return m


def _run(post_cfg, maps):
    post = MODELS.build(post_cfg)
    ds = TextDetDataSample(metainfo=dict(scale_factor=(1.0, 1.0)))
    out = post.get_text_instances(maps, ds)
    return sorted(round(float(s), 3) for s in out.pred_instances.scores), out


def test_both_tests_must_pass():
    words = [
        ((4, 4, 60, 16), 0.95),  # 672 map px, confident: kept by both
        ((70, 4, 150, 20), 0.80),  # large but below 0.87
        ((10, 40, 13, 43), 0.99),  # 9 map px, confident
    ]
    maps = _maps(words)
    official = dict(type='OfficialPSEPostprocessor', score_threshold=0.87,
                    min_text_area=16, min_kernel_area=1)
    scores, out = _run(official, maps)
    assert scores == [0.95]
    # MMOCR's rule (area OR score) keeps all three with the same settings.
    mmocr = dict(type='PSEPostprocessor', score_threshold=0.87,
                 min_text_area=16)
    assert _run(mmocr, maps)[0] == [0.8, 0.95, 0.99]
    # The recipe's min_text_area=1 keeps the small confident word.
    scores, _ = _run(dict(official, min_text_area=1), maps)
    assert scores == [0.95, 0.99]
    # Polygons are simple and scaled back by the stride (scale_factor / 4).
    assert out.scale_factor == (0.25, 0.25)
    poly = np.asarray(out.pred_instances.polygons[0]).reshape(-1, 2)
    assert poly[:, 0].min() >= 3 and poly[:, 0].max() <= 60


@pytest.mark.parametrize('area,expected', [(16, 1), (15, 1), (160, 10),
                                           (4, 1)])
def test_input_area_to_map_area(area, expected):
    from oclip_mmocr.models.textdet.postprocessors import \
        OfficialPSEPostprocessor
    assert OfficialPSEPostprocessor.from_input_area(area) == expected
