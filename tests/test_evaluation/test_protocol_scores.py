"""protocol_scores: MMOCR's numbers are its HmeanIOUMetric's; the official
columns per dataset and for spotters."""
import numpy as np
import pytest
import torch

from mmocr.evaluation import HmeanIOUMetric
from oclip_mmocr.evaluation import hmean_at, score_predictions
from tests.helpers import box as _box
from tests.helpers import random_det_samples as _samples
from tests.helpers import with_texts as _with_texts


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


def test_spotter_predictions_get_official_e2e_scores():
    samples = _with_texts(_samples(7))
    scores = score_predictions(samples, fixed_thr=0.5,
                               e2e_protocol='icdar2015', dataset='icdar2015')
    assert list(scores) == ['best', 'fixed', 'rrc_iou', 'e2e_none',
                            'spot_none']
    # Every text right (and 'word' is in the RRC dictionary): end to end
    # and word spotting equal detection on the same submission polygons.
    assert scores['e2e_none'] == pytest.approx(scores['rrc_iou'])
    assert scores['spot_none'] == pytest.approx(scores['rrc_iou'])
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
    # Word spotting too: what AdelaiDet's script runs on Total-Text.
    assert list(tt)[-4:] == ['e2e_none', 'e2e_full', 'spot_none',
                             'spot_full']
    assert tt['e2e_full'] == pytest.approx(tt['e2e_none'])
