"""DetEvalMetric on hand-built cases.

Each expected number is the verdict of Total-Text's
Evaluation_Protocol/Python_scripts/Deteval.py (cs-chan/Total-Text-Dataset),
worked out by hand from its rules (sigma = cover of the ground truth, tau =
cover of the detection, both rounded to 2 decimals; one-to-one needs
sigma > tr and tau > tp; split / merged matches score 0.8 per piece).
"""
import numpy as np
import pytest
import torch

from mmocr.evaluation import HmeanIOUMetric
from mmocr.registry import METRICS
from oclip_mmocr.evaluation import (DetEvalMetric, coverage_tables,
                                    deteval_credits)


def rect(x1, y1, x2, y2):
    return np.array([x1, y1, x2, y1, x2, y2, x1, y2], np.float64)


def sample(gts, preds):
    """gts: [(polygon, ignored)], preds: [(polygon, score)]."""
    return dict(
        gt_instances=dict(
            polygons=[g[0] for g in gts],
            ignored=torch.tensor([g[1] for g in gts], dtype=torch.bool)),
        pred_instances=dict(
            polygons=[p[0] for p in preds],
            scores=torch.tensor([p[1] for p in preds], dtype=torch.float32)))


def run(samples, **kwargs):
    metric = METRICS.build(dict(type='DetEvalMetric', **kwargs))
    metric.process([], samples)
    return metric.compute_metrics(metric.results)


def iou_hmean(samples):
    m = HmeanIOUMetric(pred_score_thrs=dict(start=0.5, stop=0.51, step=1))
    m.process([], samples)
    return m.compute_metrics(m.results)['hmean']


def test_one_to_one():
    s = sample([(rect(0, 0, 100, 20), False)], [(rect(2, 0, 100, 20), .9)])
    r = run([s])
    assert r == dict(precision=1., recall=1., hmean=1.)


def test_word_found_as_two_halves():
    """One ground truth split into two detections: each covers it by 0.5
    (sigma), each lies inside it (tau 1.0); sigma sums to 1.0 >= 0.7 ->
    one-to-many: recall 0.8, precision 2 x 0.8 over 2 detections = 0.8.
    MMOCR's IoU protocol scores this 0 (IoU 0.5 is not > 0.5)."""
    s = sample([(rect(0, 0, 200, 20), False)],
               [(rect(0, 0, 100, 20), .9), (rect(100, 0, 200, 20), .9)])
    r = run([s])
    assert r['recall'] == pytest.approx(0.8)
    assert r['precision'] == pytest.approx(0.8)
    assert r['hmean'] == pytest.approx(0.8)
    assert iou_hmean([s]) == 0.


def test_two_words_in_one_detection():
    """Many-to-one: a detection covering two words (each sigma 1.0 >= tp,
    tau 0.5 each, summing to 1.0 >= tp): recall 2 x 0.8 / 2, precision
    0.8 / 1."""
    s = sample([(rect(0, 0, 100, 20), False), (rect(100, 0, 200, 20), False)],
               [(rect(0, 0, 200, 20), .9)])
    r = run([s])
    assert r['recall'] == pytest.approx(0.8)
    assert r['precision'] == pytest.approx(0.8)


def test_many_to_one_candidates_use_tp():
    """The script picks a merged detection's ground truths with sigma >=
    tp (not tr): a detection over word 1 (sigma 1.0) and 65 % of word 2
    (sigma 0.65, between tp 0.6 and tr 0.7), tau 0.57 + 0.37 >= tp ->
    both words, recall 2 x 0.8 / 2, precision 0.8 / 1. (Reading it as
    sigma >= tr would leave word 1 alone, whose tau 0.57 < tp: nothing.)"""
    s = sample([(rect(0, 0, 100, 20), False), (rect(110, 0, 210, 20), False)],
               [(rect(0, 0, 175, 20), .9)])
    r = run([s])
    assert r['recall'] == pytest.approx(0.8)
    assert r['precision'] == pytest.approx(0.8)


def test_thresholds_and_settings():
    """A detection covering 75 % of its word and lying wholly inside it:
    sigma 0.75, tau 1.0. Setting 0.7/0.6: one-to-one. Setting 0.8/0.4
    (TextBPN's second column): sigma 0.75 is not > 0.8 -> nothing."""
    s = sample([(rect(0, 0, 100, 20), False)], [(rect(0, 0, 75, 20), .9)])
    r = run([s], settings=[(0.7, 0.6), (0.8, 0.4)])
    assert r['hmean'] == 1.
    assert r['tr0.8_tp0.4_hmean'] == 0.
    assert r['tr0.8_tp0.4_precision'] == 0.
    # The strict inequalities: sigma exactly 0.70 is not > 0.7.
    s = sample([(rect(0, 0, 100, 20), False)], [(rect(0, 0, 70, 20), .9)])
    assert run([s])['hmean'] == 0.


def test_rounding_to_two_decimals():
    """sigma 0.7049 rounds to 0.70, which is not > 0.7: no match, although
    the unrounded cover is above the threshold."""
    s = sample([(rect(0, 0, 10000, 1), False)],
               [(rect(0, 0, 7049, 1), .9)])
    sigma, tau = coverage_tables([rect(0, 0, 10000, 1)],
                                 [rect(0, 0, 7049, 1)])
    assert sigma[0, 0] == 0.70 and tau[0, 0] == 1.
    assert run([s])['hmean'] == 0.
    s = sample([(rect(0, 0, 10000, 1), False)],
               [(rect(0, 0, 7051, 1), .9)])
    assert run([s])['hmean'] == 1.


def test_dont_care_filter():
    """A detection lying on a '#' ground truth (intersection / (its area +
    1) > 0.5) is removed before counting; so is the '#' ground truth."""
    s = sample([(rect(0, 0, 100, 20), True), (rect(200, 0, 300, 20), False)],
               [(rect(0, 0, 100, 20), .9), (rect(200, 0, 300, 20), .9)])
    assert run([s]) == dict(precision=1., recall=1., hmean=1.)
    # The +1 in the denominator: a 1 x 1 detection fully inside a '#'
    # region has 1 / (1 + 1) = 0.5, not > 0.5: it stays (a false positive).
    s = sample([(rect(0, 0, 100, 20), True), (rect(200, 0, 300, 20), False)],
               [(rect(5, 5, 6, 6), .9), (rect(200, 0, 300, 20), .9)])
    r = run([s])
    assert r['precision'] == 0.5 and r['recall'] == 1.


def test_zero_area_detection_is_a_false_positive():
    """The script divides by the detection's area and crashes; we count a
    zero-area detection as a false positive."""
    line = np.array([0, 0, 50, 0, 100, 0, 50, 0], np.float64)
    s = sample([(rect(0, 0, 100, 20), False)],
               [(rect(0, 0, 100, 20), .9), (line, .9)])
    r = run([s])
    assert r['recall'] == 1. and r['precision'] == 0.5


def test_one_to_one_needs_a_unique_pair():
    """The Total-Text script's one-to-one test also counts, in the columns
    of the qualifying detections, every ground truth passing the test: two
    identical ground truths and one detection on both -> not one-to-one
    (then many-to-one: 2 x 0.8 recall, 0.8 precision)."""
    g = rect(0, 0, 100, 20)
    s = sample([(g, False), (g.copy(), False)], [(rect(0, 0, 100, 20), .9)])
    r = run([s])
    assert r['recall'] == pytest.approx(0.8)
    assert r['precision'] == pytest.approx(0.8)


def test_score_threshold_and_rounding():
    # Under the score threshold a detection is not in the submission.
    s = sample([(rect(0, 0, 100, 20), False)], [(rect(0, 0, 100, 20), .3)])
    assert run([s])['recall'] == 0.
    # x from 0.4 to 70.6: sigma 0.702 -> 0.70, not > 0.7. Written as the
    # integers 0 and 71 (a submission): sigma 0.71 -> a match.
    s = sample([(rect(0, 0, 100, 20), False)],
               [(rect(0.4, 0, 70.6, 20), .9)])
    assert run([s])['hmean'] == 0.
    assert run([s], official_rounding=True)['hmean'] == 1.


def test_credits_function_matches_the_metric():
    sigma = np.array([[0.5, 0.5, 0.], [0., 0., 0.9]])
    tau = np.array([[1., 1., 0.], [0., 0., 0.95]])
    # GT 0: split in two (0.8 / 1.6); GT 1: one-to-one (1 / 1).
    assert deteval_credits(sigma, tau) == pytest.approx((1.8, 2.6))


def test_registered_and_bad_settings():
    assert METRICS.get('DetEvalMetric') is DetEvalMetric
    with pytest.raises(ValueError, match='at least one'):
        DetEvalMetric(settings=[])


def _deteval_of_written_file(tmp_path, samples, thr=0.5):
    """What Deteval.py says of the ``totaltext-det`` files we write."""
    from oclip_mmocr.evaluation.submission import write_submission
    from tests import official_readings as official
    named = [dict(s, img_path=f'img{i + 1}.jpg') for i, s in
             enumerate(samples)]
    out = str(tmp_path / 'tt')
    write_submission(named, 'totaltext-det', out, score_thr=thr)
    gts = {f'img{i + 1}': [(np.round(p).astype(int).tolist(),
                            '#' if ign else 'w')
                           for p, ign in zip(s['gt_instances']['polygons'],
                                             s['gt_instances']['ignored'])]
           for i, s in enumerate(samples)}
    return official.deteval_evaluate(gts, official.read_deteval_dir(out))


@pytest.mark.parametrize('case', ['bow_tie', 'zero_area', 'sliver',
                                  'folded_by_rounding'])
def test_official_rounding_scores_the_written_file(tmp_path, case):
    """The three cases a held-out check found (rounding only, no repair:
    0.0655/0.1725 vs the file's 0.0491/0.1496 on a run; a bow-tie 1.0 vs
    0.0; a zero-area prediction the writer drops 0.667 vs 1.0), each next
    to a word found cleanly."""
    word, other = rect(0, 0, 100, 20), rect(200, 0, 300, 20)
    if case == 'bow_tie':  # two vertices swapped
        bad = np.array([100, 0, 0, 0, 100, 20, 0, 20], np.float64)
    elif case == 'zero_area':
        bad = np.array([0, 10, 50, 10, 100, 10, 50, 10], np.float64)
    elif case == 'sliver':  # flat once rounded
        bad = np.array([10, 5.1, 90, 5.1, 90, 5.3, 10, 5.3], np.float64)
    else:  # a spike that integer coordinates fold back onto the edge
        bad = np.array([0, 0, 50.2, 0.3, 50.4, -0.2, 100, 0, 100, 20, 0, 20],
                       np.float64)
    s = sample([(word, False), (other, False)],
               [(bad, .9), (rect(201, 1, 299, 19), .9)])
    ours = run([s], official_rounding=True)
    ref = _deteval_of_written_file(tmp_path, [s])
    for k in ('precision', 'recall', 'hmean'):
        assert ours[k] == pytest.approx(ref[k], abs=1e-12), (case, k)
