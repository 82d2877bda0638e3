"""The benchmark's scores are MMOCR's HmeanIOUMetric numbers."""
import os.path as osp

import numpy as np
import pytest
import torch

from mmocr.evaluation import HmeanIOUMetric
from oclip_mmocr.evaluation import (build_rows, hmean_at, parse_published,
                                    plot_chart, score_predictions,
                                    to_markdown, write_csv)
from tests.conftest import SHARED


def _box(x, y, w=20, h=10):
    return np.array([x, y, x + w, y, x + w, y + h, x, y + h], np.float32)


def _samples(seed=0, n=12):
    """Random GT boxes; predictions = some GTs jittered + false alarms,
    with scores spread over [0, 1]."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        gts = [_box(40 * i, 30 * (i % 3)) for i in range(rng.integers(1, 6))]
        ignored = rng.random(len(gts)) < 0.2
        preds, scores = [], []
        for g in gts:
            if rng.random() < 0.8:
                preds.append(g + rng.normal(0, 1.5, 8).astype(np.float32))
                scores.append(rng.uniform(0.3, 1.0))
        for _ in range(rng.integers(0, 3)):
            preds.append(_box(rng.uniform(300, 400), rng.uniform(0, 100)))
            scores.append(rng.uniform(0.0, 0.9))
        out.append(
            dict(
                pred_instances=dict(
                    polygons=preds,
                    scores=torch.tensor(scores, dtype=torch.float32)),
                gt_instances=dict(polygons=gts, ignored=ignored)))
    return out


def _mmocr(samples, **kwargs):
    metric = HmeanIOUMetric(**kwargs)
    metric.process([], samples)
    return metric.compute_metrics(metric.results)


@pytest.mark.parametrize('seed', [0, 1, 2])
def test_best_of_thresholds_equals_mmocr(seed):
    samples = _samples(seed)
    ours = score_predictions(samples, fixed_thr=0.5)
    ref = _mmocr(samples)
    for k in ('precision', 'recall', 'hmean'):
        assert ours['best'][k] == pytest.approx(ref[k], abs=1e-12)
    assert 0.3 - 1e-9 <= ours['best']['thr'] <= 0.9
    # Best-of can only be >= the fixed threshold's hmean.
    assert ours['best']['hmean'] >= ours['fixed']['hmean']


def test_fixed_threshold_equals_mmocr_at_that_threshold():
    samples = _samples(5)
    for thr in (0.3, 0.5, 0.7):
        ref = _mmocr(samples, pred_score_thrs=dict(start=thr, stop=thr + 0.05,
                                                   step=0.1))
        assert hmean_at(samples, thr) == pytest.approx(
            {k: ref[k] for k in ('precision', 'recall', 'hmean')})


def test_known_case():
    # Two GTs; one exact hit at 0.9, one false alarm at 0.4.
    samples = [
        dict(
            pred_instances=dict(
                polygons=[_box(0, 0), _box(200, 200)],
                scores=torch.tensor([0.9, 0.4])),
            gt_instances=dict(
                polygons=[_box(0, 0), _box(100, 0)],
                ignored=np.array([False, False])))
    ]
    s = score_predictions(samples, fixed_thr=0.35)
    assert s['fixed'] == pytest.approx(
        dict(precision=0.5, recall=0.5, hmean=0.5, thr=0.35))
    # From 0.5 on, the false alarm is gone: P 1, R 0.5, H 2/3.
    assert s['best']['hmean'] == pytest.approx(2 / 3)
    assert s['best']['thr'] == pytest.approx(0.5)


def _result(pair, init, h, dataset='ICDAR2015', det='DBNet'):
    s = dict(precision=h, recall=h, hmean=h, thr=0.5)
    return dict(pair=pair, init=init, dataset=dataset, detector=det,
                config=f'{pair}-{init}', scores=dict(best=s, fixed=s))


def test_rows_table_csv_chart(tmp_path):
    results = [_result('dbnet_ic15', 'oCLIP', 0.86),
               _result('dbnet_ic15', 'ImageNet', 0.85),
               _result('psenet_ctw', 'oCLIP', 0.80, 'CTW1500', 'PSENet'),
               _result('psenet_ctw', 'ImageNet', 0.78, 'CTW1500', 'PSENet')]
    ref = {('ICDAR2015', 'DBNet', 'oCLIP'): dict(hmean=0.8644)}
    rows = build_rows(results, ref)
    assert len(rows) == 4  # 2 pairs x 2 protocols
    r = next(r for r in rows if r['pair'] == 'dbnet_ic15'
             and r['protocol'] == 'best')
    assert r['delta_hmean'] == pytest.approx(0.01)
    assert r['published_oclip_hmean'] == 0.8644
    assert r['published_baseline_hmean'] is None
    md = to_markdown(rows)
    assert 'Best of thresholds' in md and 'Fixed score threshold' in md
    assert '+0.0100' in md and '+0.0200' in md and '0.8644' in md
    write_csv(rows, str(tmp_path / 'b.csv'))
    lines = (tmp_path / 'b.csv').read_text().splitlines()
    assert len(lines) == 5 and 'delta_hmean' in lines[0]
    plot_chart(rows, str(tmp_path / 'b.png'))
    assert (tmp_path / 'b.png').read_bytes()[:4] == b'\x89PNG'


@pytest.mark.skipif(
    not osp.isfile(osp.join(SHARED, 'reference', 'published_results.md')),
    reason='../shared/reference is absent')
def test_parse_published():
    table = parse_published(
        osp.join(SHARED, 'reference', 'published_results.md'))
    assert table[('ICDAR2015', 'DBNet', 'oCLIP')]['hmean'] == 0.8644
    assert table[('CTW1500', 'PSENet', 'ImageNet')]['hmean'] == 0.7793
    assert table[('CTW1500', 'FCENet', 'ImageNet')]['model'] == \
        'FCENet R50+DCNv2'
    assert not any(k[1].startswith('DBNet++') for k in table)


def _with_texts(samples, text='word'):
    for s in samples:
        n = len(s['pred_instances']['polygons'])
        s['pred_instances']['texts'] = [text] * n
        gt = s['gt_instances']
        gt['texts'] = [text] * len(gt['polygons'])
    return samples


def test_spotter_predictions_get_official_e2e_rows(tmp_path):
    samples = _with_texts(_samples(7))
    scores = score_predictions(samples, fixed_thr=0.5,
                               e2e_protocol='icdar2015', dataset='icdar2015')
    assert list(scores) == ['best', 'fixed', 'rrc_iou', 'e2e_none',
                            'spot_none']
    # Every text right (and 'word' is in the RRC dictionary): end to end
    # and word spotting equal detection on the same submission polygons.
    assert scores['e2e_none'] == pytest.approx(scores['rrc_iou'])
    assert scores['spot_none'] == pytest.approx(scores['rrc_iou'])
    results = [dict(pair='mts', init=i, dataset='ICDAR2015',
                    detector='MTSSpotter', config=f'mts-{i}', scores=scores)
               for i in ('oCLIP', 'ImageNet')]
    rows = build_rows(results)
    assert [r['protocol'] for r in rows] == list(scores)
    assert [r['primary'] for r in rows] == [False, False, True, False,
                                             False]
    md = to_markdown(rows)
    assert 'Official protocols' in md
    assert 'RRC ICDAR2015 Challenge 4 detection script' in md
    assert 'Word spotting, no lexicon (RRC word-spotting script)' in md
    plot_chart(rows, str(tmp_path / 'c.png'))
    # Detectors (no texts) get no end-to-end row.
    assert 'e2e_none' not in score_predictions(
        _samples(7), 0.5, e2e_protocol='icdar2015')


def test_official_columns_per_dataset(tmp_path):
    samples = _samples(3)
    assert list(score_predictions(samples, dataset='totaltext'))[2:] == [
        'deteval', 'deteval_0.8_0.4', 'iou_int']
    assert list(score_predictions(samples, dataset='ctw1500'))[2:] == [
        'voc_iou']
    assert list(score_predictions(samples, dataset='synthetic')) == [
        'best', 'fixed']
    # Integer boxes, no jitter: the official IoU equals MMOCR's.
    exact = [dict(s, pred_instances=dict(
        s['pred_instances'], polygons=[np.round(p) for p in
                                       s['pred_instances']['polygons']]))
             for s in samples]
    sc = score_predictions(exact, dataset='ctw1500')
    assert sc['voc_iou'] == pytest.approx(sc['fixed'])
    # Lexicon columns for the lexicons given (files present).
    (tmp_path / 'voc.txt').write_text('WORD\nWORLD\n')
    tt = score_predictions(_with_texts(_samples(4)), dataset='totaltext',
                           e2e_protocol='totaltext',
                           lexicons=dict(full=dict(
                               lexicon_file=str(tmp_path / 'voc.txt'))))
    assert list(tt)[-2:] == ['e2e_none', 'e2e_full']
    assert tt['e2e_full'] == pytest.approx(tt['e2e_none'])


def test_available_lexicons(tmp_path):
    from mmengine.config import Config
    from oclip_mmocr.evaluation.det_benchmark import available_lexicons
    (tmp_path / 'g.txt').write_text('A\n')
    cfg = Config(dict(spotting_lexicons=dict(
        generic=dict(lexicon_file=str(tmp_path / 'g.txt')),
        weak=dict(lexicon_file=str(tmp_path / 'missing.txt')),
        strong=dict(lexicon_dir=str(tmp_path / 'nodir')))))
    found, missing = available_lexicons(cfg)
    assert list(found) == ['generic'] and missing == ['weak', 'strong']
