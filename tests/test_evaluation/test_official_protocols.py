"""Randomized comparison of our metrics with our reading of each official
script (tests/official_readings.py), through the submission files.

For every protocol, random predictions around real ground truth (the
ICDAR2015 sample in ../shared, integer quadrilaterals with don't-care
words) or generated curved words (integer Total-Text / CTW1500-like bands,
with splits, merges, jitter and false positives) are

1. written by our writer (oclip_mmocr.evaluation.submission), read back
   the way the official script parses its input, and scored by the
   reading; and
2. scored by our registered metric with ``official_rounding`` on the same
   predictions in memory.

The two must agree exactly: that checks the metric's rules, the rounding
and the file formats at once. Every sample also holds predictions of bad
geometry (:func:`bad_geometry`): self-intersecting, zero-area, sub-pixel,
too few points, non-finite, folded by rounding; a metric that scored other
geometry than the writer writes would disagree on those.
"""
import json
import os.path as osp
from typing import Dict, List

import numpy as np
import pytest
import torch
from shapely.geometry import Polygon

from mmocr.registry import METRICS
from oclip_mmocr.evaluation.submission import write_submission
from tests import official_readings as official
from tests.helpers import needs_shared, shared_path

SAMPLE = shared_path('data', 'icdar2015_sample')
WORDS = ["Hotel's", 'EXIT', 'Café', '2015', 'CW3', 'LEVEL2', 'sale!',
         '(open)', 'a-b', 'The', 'ab', 'x', '-Road-', 'Tel:', 'STOP',
         'Coffee', 'New', 'york', 'HELLO!', 'B&Q']
THRS = (0.3, 0.5)


def mutate(text: str, rng) -> str:
    """A recogniser's reading of ``text``: right, case-changed, an end
    character dropped or added, a typo, or the dictionary form."""
    r = rng.random()
    if r < 0.35:
        return text
    if r < 0.5:
        return text.swapcase()
    if r < 0.6 and len(text) > 1:
        return text[:-1]
    if r < 0.7 and len(text) > 1:
        return text[1:]
    if r < 0.8:
        return text + rng.choice(['!', '.', 's', "'s"])
    if r < 0.9 and text:
        i = rng.integers(len(text))
        return text[:i] + rng.choice(list('XQ0')) + text[i + 1:]
    return official._dictionary_form(text)


def jitter(poly: np.ndarray, scale: float, rng) -> np.ndarray:
    pts = poly.reshape(-1, 2).astype(np.float64)
    pts = pts + rng.normal(0, scale, pts.shape) + rng.normal(0, scale, 2)
    return pts.reshape(-1)


def bad_geometry(gts: List, rng) -> List:
    """Predictions no detector should emit but some do, each placed on a
    ground truth so that a metric scoring other geometry than the file's
    would be seen: a bow-tie (two vertices swapped: self-intersecting), a
    zero-area polygon (every vertex on one line), a sub-pixel sliver that
    integer rounding flattens, two points only, a non-finite vertex, and a
    float polygon with a spike that rounding folds onto itself."""
    out = []
    for poly, _ in gts:
        if rng.random() < 0.5:
            continue
        pts = np.asarray(poly, np.float64).reshape(-1, 2)
        kind = rng.integers(6)
        if kind == 0:
            bow = pts.copy()
            bow[[0, 1]] = bow[[1, 0]]
            bad = bow
        elif kind == 1:
            bad = np.stack([np.linspace(pts[0, 0], pts[1, 0], len(pts)),
                            np.linspace(pts[0, 1], pts[1, 1], len(pts))], 1)
        elif kind == 2:
            x, y = pts.mean(0)
            bad = np.array([[x, y], [x + 40.2, y], [x + 40.2, y + 0.3],
                            [x, y + 0.3]])
        elif kind == 3:
            bad = pts[:2]
        elif kind == 4:
            bad = pts.copy()
            bad[0, 0] = np.nan
        else:
            bad = pts + rng.uniform(-0.49, 0.49, pts.shape)
            k = rng.integers(len(bad))
            bad = np.insert(bad, k + 1, bad[k] + [0.2, 0.2], axis=0)
        out.append((bad.reshape(-1), 'word', float(rng.uniform(0.5, 1))))
    return out


def as_sample(name: str, gts: List, preds: List) -> Dict:
    """gts: [(polygon, text)] with '###' for don't care; preds:
    [(polygon, text, score)]."""
    return dict(
        img_path=f'imgs/test/{name}.jpg',
        gt_instances=dict(
            polygons=[np.asarray(g[0], np.float64) for g in gts],
            texts=[g[1] for g in gts],
            ignored=torch.tensor([g[1] in ('###', '#') for g in gts])),
        pred_instances=dict(
            polygons=[np.asarray(p[0], np.float32) for p in preds],
            texts=[p[1] for p in preds],
            scores=torch.tensor([p[2] for p in preds], dtype=torch.float32)))


# ------------------------------------------------------------- ICDAR2015
def icdar2015_samples(seed: int) -> List[Dict]:
    with open(osp.join(SAMPLE, 'textdet_test.json')) as f:
        data = json.load(f)
    rng = np.random.default_rng(seed)
    samples = []
    for item in data['data_list']:
        name = osp.splitext(osp.basename(item['img_path']))[0]
        gts, preds = [], []
        for inst in item['instances']:
            poly = np.asarray(inst['polygon'], np.float64)
            text = '###' if inst['ignore'] else str(rng.choice(WORDS))
            gts.append((poly, text))
            h = max(np.ptp(poly[1::2]), 4.)
            n = rng.random()
            read = mutate(text if text != '###' else str(rng.choice(WORDS)),
                          rng)
            if n < 0.55:  # found, somewhat off
                preds.append((jitter(poly, 0.12 * h, rng), read,
                               float(rng.random())))
            elif n < 0.7:  # as a polygon of 8 vertices (a quad in the file)
                pts = poly.reshape(4, 2)
                mids = (pts + np.roll(pts, -1, 0)) / 2
                octo = np.stack([pts, mids], 1).reshape(-1)
                preds.append((jitter(octo, 0.08 * h, rng), read,
                              float(rng.random())))
            elif n < 0.8:  # found twice
                for _ in range(2):
                    preds.append((jitter(poly, 0.1 * h, rng), read,
                                  float(rng.random())))
            elif n < 0.9:  # found as the left half
                pts = poly.reshape(4, 2)
                half = np.stack([pts[0], (pts[0] + pts[1]) / 2,
                                 (pts[3] + pts[2]) / 2, pts[3]])
                preds.append((half.reshape(-1), read[:3],
                              float(rng.random())))
        for _ in range(rng.integers(0, 4)):  # false positives
            x, y = rng.uniform(0, 1200), rng.uniform(0, 680)
            w, hh = rng.uniform(20, 200), rng.uniform(6, 30)
            preds.append((np.array([x, y, x + w, y, x + w, y + hh, x,
                                    y + hh]), str(rng.choice(WORDS)),
                          float(rng.random())))
        preds += bad_geometry(gts, rng)
        # Some detectors give counter-clockwise vertices: the RRC server
        # rejects those, so the writer must reorder them.
        preds = [(p.reshape(-1, 2)[::-1].reshape(-1)
                  if rng.random() < 0.3 else p, t, sc)
                 for p, t, sc in preds]
        order = rng.permutation(len(preds))
        samples.append(as_sample(name, gts, [preds[i] for i in order]))
    return samples


def gt_dict(samples: List[Dict]) -> Dict[str, List]:
    return {
        osp.splitext(osp.basename(s['img_path']))[0]: [
            (np.round(p).astype(int).tolist(), t)
            for p, t in zip(s['gt_instances']['polygons'],
                            s['gt_instances']['texts'])
        ]
        for s in samples
    }


def build_run(samples, **cfg) -> Dict[str, float]:
    metric = METRICS.build(cfg)
    metric.process([], samples)
    return metric.compute_metrics(metric.results)


pytestmark = needs_shared('data', 'icdar2015_sample')


@pytest.mark.parametrize('seed', [0, 1, 2])
@pytest.mark.parametrize('thr', THRS)
def test_icdar2015_detection_vs_rrc_script(tmp_path, seed, thr):
    samples = icdar2015_samples(seed)
    zpath = str(tmp_path / 'det.zip')
    write_submission(samples, 'icdar2015-det', zpath, score_thr=thr)
    ref = official.rrc_evaluate(gt_dict(samples),
                                official.read_rrc_zip(zpath, False))
    ours = build_run(
        samples, type='SubmissionHmeanIOUMetric', quadrilaterals=True,
        pred_score_thrs=dict(start=thr, stop=thr + 1e-6, step=1.))
    for k in ('precision', 'recall', 'hmean'):
        assert ours[k] == pytest.approx(ref[k], abs=1e-12), k
    assert 0 < ref['hmean'] < 1  # neither trivial nor empty


@pytest.mark.parametrize('seed', [0, 1, 2])
@pytest.mark.parametrize('word_spotting', [False, True])
def test_icdar2015_end_to_end_vs_rrc_script(tmp_path, seed, word_spotting):
    thr = 0.3
    samples = icdar2015_samples(seed)
    zpath = str(tmp_path / 'e2e.zip')
    write_submission(samples, 'icdar2015-e2e', zpath, score_thr=thr)
    ref = official.rrc_evaluate(gt_dict(samples),
                                official.read_rrc_zip(zpath, True),
                                e2e=True, word_spotting=word_spotting)
    ours = build_run(samples, type='SpottingHmeanIOUMetric',
                     protocol='icdar2015', word_spotting=word_spotting,
                     official_rounding=True, quadrilaterals=True,
                     pred_score_thr=thr)
    for k in ('precision', 'recall', 'hmean'):
        assert ours[f'e2e_{k}'] == pytest.approx(ref[k], abs=1e-12), k
    assert 0 < ref['hmean'] < 1


def _lexicon_files(tmp_path, samples, rng):
    """A generic lexicon (every word + distractors), a weak one (the test
    set's words), per-image strong ones, and pair lists mapping the
    upper-cased entry to the GT spelling."""
    words = sorted({t for s in samples for t in s['gt_instances']['texts']
                    if t != '###'})
    extra = ['HOSTEL', 'EXITS', 'SALE', 'OPEN', 'ROAD', 'TELL', 'STOPS',
             'TOFFEE', 'NEWS', 'YORKS', 'HELL', '50% OFF']
    generic = words + extra
    (tmp_path / 'generic.txt').write_text(
        '\n'.join(w.upper() for w in generic) + '\n')
    (tmp_path / 'generic_pairs.txt').write_text(
        '\n'.join(f'{w.upper()} {w}' for w in generic) + '\n')
    (tmp_path / 'weak.txt').write_text(
        '\n'.join(w.upper() for w in words) + '\n')
    (tmp_path / 'weak_pairs.txt').write_text(
        '\n'.join(f'{w.upper()} {w}' for w in words) + '\n')
    strong = {}
    for s in samples:
        stem = osp.splitext(osp.basename(s['img_path']))[0]
        own = sorted({t for t in s['gt_instances']['texts'] if t != '###'})
        own = own + list(rng.choice(extra, 3, replace=False))
        strong[stem] = own
        (tmp_path / f'new_voc_{stem}.txt').write_text(
            '\n'.join(w.upper() for w in own) + '\n')
        (tmp_path / f'pair_voc_{stem}.txt').write_text(
            '\n'.join(f'{w.upper()} {w}' for w in own) + '\n')
    return generic, words, strong


@pytest.mark.parametrize('seed', [0, 1])
@pytest.mark.parametrize('lexicon', ['generic', 'weak', 'strong'])
def test_icdar2015_lexicons_vs_mask_textspotter(tmp_path, seed, lexicon):
    thr = 0.3
    rng = np.random.default_rng(seed + 100)
    samples = icdar2015_samples(seed)
    generic, weak, strong = _lexicon_files(tmp_path, samples, rng)
    zpath = str(tmp_path / 'e2e.zip')
    write_submission(samples, 'icdar2015-e2e', zpath, score_thr=thr)
    dets = official.read_rrc_zip(zpath, True)
    if lexicon == 'strong':
        dets = {img: official.mts_lexicon(
            {img: d}, strong[img], {w.upper(): w for w in strong[img]},
            drop=True)[img] for img, d in dets.items()}
    else:
        lex = generic if lexicon == 'generic' else weak
        dets = official.mts_lexicon(dets, [w.upper() for w in lex],
                                    {w.upper(): w for w in lex},
                                    drop=lexicon != 'generic')
    ref = official.rrc_evaluate(gt_dict(samples), dets, e2e=True)
    files = dict(
        generic=dict(lexicon_file=str(tmp_path / 'generic.txt'),
                     lexicon_pairs_file=str(tmp_path / 'generic_pairs.txt')),
        weak=dict(lexicon_file=str(tmp_path / 'weak.txt'),
                  lexicon_pairs_file=str(tmp_path / 'weak_pairs.txt')),
        strong=dict(lexicon_dir=str(tmp_path),
                    lexicon_pattern='new_voc_{stem}.txt',
                    lexicon_pair_pattern='pair_voc_{stem}.txt'))[lexicon]
    ours = build_run(samples, type='SpottingHmeanIOUMetric',
                     protocol='icdar2015', lexicon=lexicon,
                     official_rounding=True, quadrilaterals=True,
                     pred_score_thr=thr, **files)
    for k in ('precision', 'recall', 'hmean'):
        assert ours[f'e2e_{k}'] == pytest.approx(ref[k], abs=1e-12), k
    assert 0 < ref['hmean'] < 1


# --------------------------------------------------- curved (TT, CTW1500)
def band(cx, cy, radius, height, a0, a1, num=7) -> np.ndarray:
    """A word along a circular arc from angle ``a0`` to ``a1`` (degrees):
    outer arc then inner arc, ``(2 * num, 2)``."""
    t = np.deg2rad(np.linspace(a0, a1, num))
    outer = np.stack([cx + (radius + height / 2) * np.cos(t),
                      cy + (radius + height / 2) * np.sin(t)], 1)
    inner = np.stack([cx + (radius - height / 2) * np.cos(t[::-1]),
                      cy + (radius - height / 2) * np.sin(t[::-1])], 1)
    return np.concatenate([outer, inner])


def curved_samples(seed: int, names, dont_care: str = '###'
                   ) -> List[Dict]:
    """Per image, 1-3 arcs of text, each 2-4 curved words (integer
    vertices, 30..300 px long, 8..30 px high) with small gaps; predictions
    jittered, split, merged across a gap, doubled, or missing."""
    rng = np.random.default_rng(seed)
    samples = []
    for name in names:
        gts, preds, taken = [], [], []
        for _ in range(rng.integers(1, 4)):
            cx, cy = rng.uniform(200, 1000), rng.uniform(250, 700)
            radius = rng.uniform(120, 400)
            height = rng.uniform(8, 30)
            start = rng.uniform(200, 260)
            words = []
            for _ in range(rng.integers(2, 5)):
                span = rng.uniform(30, 300) / radius * 180 / np.pi
                gap = rng.uniform(1, 4) / radius * 180 / np.pi
                words.append((start, start + span))
                start += span + gap
            polys = [np.round(band(cx, cy, radius, height, a, b))
                     for a, b in words]
            shapes = [Polygon(p) for p in polys]
            if not all(s.is_valid for s in shapes) or any(
                    s.intersects(t) for s in shapes for t in taken):
                continue
            taken += shapes
            for i, ((a, b), poly) in enumerate(zip(words, polys)):
                text = dont_care if rng.random() < 0.12 else str(
                    rng.choice(WORDS))
                gts.append((poly.reshape(-1), text))
                read = mutate(text if text not in ('###', '#') else 'word',
                              rng)
                r = rng.random()
                if r < 0.45:
                    preds.append((jitter(poly, 0.08 * height, rng), read,
                                  float(rng.random())))
                elif r < 0.6:  # split in two
                    mid = (a + b) / 2
                    for lo, hi in ((a, mid), (mid, b)):
                        preds.append((band(cx, cy, radius, height, lo,
                                           hi).reshape(-1), read,
                                      float(rng.random())))
                elif r < 0.82 and i + 1 < len(words):  # merged with next
                    # ... covering each word wholly or in part (sigma
                    # between tp and tr exercises the script's tests).
                    nb = words[i + 1][1]
                    lo = a + (b - a) * rng.choice([0., rng.uniform(0, .5)])
                    hi = nb - (nb - b) * rng.choice(
                        [0., rng.uniform(0, .5)])
                    preds.append((band(cx, cy, radius, height * 1.05, lo,
                                       hi, 11).reshape(-1),
                                  read, float(rng.random())))
                elif r < 0.9:  # partly covered
                    preds.append((band(cx, cy, radius, height, a,
                                       a + (b - a) * rng.uniform(0.5, 0.95)
                                       ).reshape(-1), read,
                                  float(rng.random())))
        for _ in range(rng.integers(0, 3)):
            x, y = rng.uniform(0, 1200), rng.uniform(0, 800)
            preds.append((np.array([x, y, x + 80, y, x + 80, y + 20, x,
                                    y + 20]), 'noise', float(rng.random())))
        preds += bad_geometry(gts, rng)
        samples.append(as_sample(name, gts, preds))
    return samples


@pytest.mark.parametrize('seed', [0, 1, 2, 3, 4])
@pytest.mark.parametrize('setting', [(0.7, 0.6), (0.8, 0.4)])
def test_totaltext_deteval_vs_script(tmp_path, seed, setting):
    thr = 0.4
    samples = curved_samples(seed, [f'img{i}' for i in range(1, 13)], '#')
    out = str(tmp_path / 'deteval')
    write_submission(samples, 'totaltext-det', out, score_thr=thr)
    ref = official.deteval_evaluate(gt_dict(samples),
                                    official.read_deteval_dir(out),
                                    *setting)
    metric = METRICS.build(dict(type='DetEvalMetric',
                                settings=[setting, (0.5, 0.5)],
                                pred_score_thr=thr, official_rounding=True))
    metric.process([], samples)
    ours = metric.compute_metrics(metric.results)
    for k in ('precision', 'recall', 'hmean'):
        assert ours[k] == pytest.approx(ref[k], abs=1e-12), k
    assert 0 < ref['hmean'] < 1
    # Split and merged words do score (0.8 credits), not only one-to-one.
    assert any(c % 1 for r in metric.results for c in r['credits'][0])


@pytest.mark.parametrize('seed', [0, 1, 2])
def test_ctw1500_vs_voc_polygon_script(tmp_path, seed):
    thr = 0.4
    samples = curved_samples(seed, [str(1001 + i) for i in range(12)],
                             dont_care='word')  # the script has no '###'
    out = str(tmp_path / 'ctw')
    write_submission(samples, 'ctw1500-det', out, score_thr=thr)
    gts = {k: [p for p, _ in v] for k, v in gt_dict(samples).items()}
    ref = official.voc_polygon_evaluate(gts, official.read_voc_dir(out))
    ours = build_run(
        samples, type='SubmissionHmeanIOUMetric',
        pred_score_thrs=dict(start=thr, stop=thr + 1e-6, step=1.))
    for k in ('precision', 'recall', 'hmean'):
        assert ours[k] == pytest.approx(ref[k], abs=1e-12), k
    assert 0 < ref['hmean'] < 1


@pytest.mark.parametrize('seed', [0, 1, 2])
@pytest.mark.parametrize('word_spotting', [False, True])
def test_totaltext_end_to_end_vs_script(tmp_path, seed, word_spotting):
    """AdelaiDet's text_eval_script.py (the RRC loop on polygons; it runs
    Total-Text with word spotting by default)."""
    thr = 0.4
    samples = curved_samples(seed, [f'img{i}' for i in range(1, 13)])
    zpath = str(tmp_path / 'tt.zip')
    write_submission(samples, 'totaltext-e2e', zpath, score_thr=thr)
    ref = official.rrc_evaluate(gt_dict(samples),
                                official.read_tt_e2e_zip(zpath), e2e=True,
                                word_spotting=word_spotting)
    ours = build_run(samples, type='SpottingHmeanIOUMetric',
                     protocol='totaltext', official_rounding=True,
                     word_spotting=word_spotting, pred_score_thr=thr)
    for k in ('precision', 'recall', 'hmean'):
        assert ours[f'e2e_{k}'] == pytest.approx(ref[k], abs=1e-12), k
    assert 0 < ref['hmean'] < 1
