"""SpottingHmeanIOUMetric on hand-built cases with known answers."""
import numpy as np
import pytest
import torch

from mmocr.evaluation import HmeanIOUMetric
from oclip_mmocr.evaluation import (SpottingHmeanIOUMetric,
                                    rrc_transcription_match,
                                    rrc_word_is_cared, snap_to_lexicon)


def box(x, y, w=40, h=12):
    return np.array([x, y, x + w, y, x + w, y + h, x, y + h], np.float32)


def sample(gts, preds, img_path='imgs/test/img_1.jpg'):
    """gts: [(polygon, text, ignored)], preds: [(polygon, text, score)]."""
    return dict(
        img_path=img_path,
        gt_instances=dict(
            polygons=[g[0] for g in gts],
            texts=[g[1] for g in gts],
            ignored=torch.tensor([g[2] for g in gts], dtype=torch.bool)),
        pred_instances=dict(
            polygons=[p[0] for p in preds],
            texts=[p[1] for p in preds],
            scores=torch.tensor([p[2] for p in preds])))


def run(samples, **kwargs):
    metric = SpottingHmeanIOUMetric(**kwargs)
    metric.process([], samples)
    return metric.compute_metrics(metric.results)


def test_registered_under_a_name_of_its_own():
    """MMOCR's ABCNet project registers ``E2EHmeanIOUMetric``: we must not."""
    from mmocr.registry import METRICS
    assert METRICS.get('SpottingHmeanIOUMetric') is SpottingHmeanIOUMetric
    assert 'E2EHmeanIOUMetric' not in METRICS.module_dict


def test_perfect_match():
    s = sample([(box(0, 0), 'Hello', False), (box(100, 0), 'World', False)],
               [(box(1, 0), 'HELLO', 0.9), (box(100, 1), 'world', 0.8)])
    r = run([s])
    assert r['det_hmean'] == r['e2e_hmean'] == 1.


def test_wrong_text_detects_but_does_not_spot():
    s = sample([(box(0, 0), 'Hello', False), (box(100, 0), 'World', False)],
               [(box(1, 0), 'Hallo', 0.9), (box(100, 1), 'World', 0.9)])
    r = run([s])
    assert r['det_hmean'] == 1.
    assert r['e2e_precision'] == r['e2e_recall'] == 0.5


def test_split_words_match_nothing():
    # One ground truth, predicted as two halves: IoU 0.5 at best -> no pair.
    s = sample([(box(0, 0, w=80), 'helloworld', False)],
               [(box(0, 0, w=40), 'hello', 0.9),
                (box(40, 0, w=40), 'world', 0.9)])
    r = run([s])
    assert r['det_recall'] == r['det_precision'] == 0.
    assert r['e2e_hmean'] == 0.


def test_dont_care_regions():
    # '###' and ignored ground truth: predictions on them vanish, neither
    # counts; the one real word is found.
    s = sample([(box(0, 0), '###', False), (box(100, 0), 'text', True),
                (box(200, 0), 'word', False)],
               [(box(0, 0), 'abc', 0.9), (box(101, 0), 'text', 0.9),
                (box(200, 0), 'word', 0.9)])
    r = run([s])
    assert r == pytest.approx(
        dict(det_precision=1., det_recall=1., det_hmean=1.,
             e2e_precision=1., e2e_recall=1., e2e_hmean=1.))
    # Below the score threshold a prediction does not exist.
    s2 = sample([(box(0, 0), 'word', False)], [(box(0, 0), 'word', 0.3)])
    assert run([s2], pred_score_thr=0.5)['det_recall'] == 0.


def test_rrc_rules():
    assert rrc_transcription_match('Hello!', 'hello')
    assert rrc_transcription_match('(Hello)', 'HELLO')
    assert not rrc_transcription_match('Hello', 'hello!')
    assert not rrc_transcription_match('Hel-lo', 'hello')
    assert rrc_word_is_cared("Hotel's") and rrc_word_is_cared('Café')
    assert not rrc_word_is_cared('ab')  # shorter than 3
    assert not rrc_word_is_cared('two words')
    assert not rrc_word_is_cared('$100')
    # word_spotting: such ground truth becomes don't care.
    s = sample([(box(0, 0), 'ab', False), (box(100, 0), 'word', False)],
               [(box(100, 0), 'word', 0.9)])
    assert run([s])['e2e_recall'] == 0.5
    assert run([s], word_spotting=True)['e2e_recall'] == 1.


def test_lexicon_snapping(tmp_path):
    assert snap_to_lexicon('HELL0', ['world', 'hello', 'help']) == 'hello'
    generic = tmp_path / 'generic.txt'
    generic.write_text('world\nhello\n')
    s = sample([(box(0, 0), 'Hello', False)], [(box(0, 0), 'HELL0', 0.9)])
    assert run([s])['e2e_hmean'] == 0.
    assert run([s], lexicon='generic',
               lexicon_file=str(generic))['e2e_hmean'] == 1.
    # Strong: each image its own lexicon, voc_<stem>.txt.
    (tmp_path / 'voc_img_1.txt').write_text('HELLO\nYELLOW\n')
    (tmp_path / 'voc_img_2.txt').write_text('HALL\nMALL\n')
    s2 = sample([(box(0, 0), 'Hello', False)], [(box(0, 0), 'HELL0', 0.9)],
                img_path='imgs/test/img_2.jpg')
    r = run([s, s2], lexicon='strong', lexicon_dir=str(tmp_path))
    assert r['e2e_recall'] == 0.5  # img_2's lexicon has no HELLO
    # Total-Text full lexicon.
    assert run([s], protocol='totaltext', lexicon='full',
               lexicon_file=str(generic))['e2e_hmean'] == 1.


def test_lsvt_normalised_edit_distance():
    s = sample([(box(0, 0), '中国银行', False), (box(100, 0), '欢迎', False)],
               [(box(0, 0), '中国很行', 0.9), (box(100, 0), '欢迎', 0.9),
                (box(300, 0), '多余', 0.9)])
    r = run([s], protocol='lsvt')
    # Pairs at 1/4 and 0, one unmatched prediction at 1: 1 - 1.25 / 3.
    assert r['1-NED'] == pytest.approx(1 - 1.25 / 3)
    assert r['e2e_recall'] == 0.5 and r['det_recall'] == 1.


def test_bad_configuration(tmp_path):
    with pytest.raises(ValueError, match='protocol must be one of'):
        SpottingHmeanIOUMetric(protocol='cocotext')
    with pytest.raises(ValueError, match="totaltext has the lexicons"):
        SpottingHmeanIOUMetric(protocol='totaltext', lexicon='weak')
    with pytest.raises(ValueError, match='needs lexicon_file'):
        SpottingHmeanIOUMetric(lexicon='generic')
    with pytest.raises(FileNotFoundError, match='lexicon file not found'):
        SpottingHmeanIOUMetric(lexicon='weak', lexicon_file=str(tmp_path / 'x'))
    s = sample([(box(0, 0), 'a', False)], [(box(0, 0), 'a', 0.9)],
               img_path='imgs/img_9.jpg')
    with pytest.raises(FileNotFoundError, match='voc_img_9.txt'):
        run([s], lexicon='strong', lexicon_dir=str(tmp_path))


@pytest.mark.parametrize('seed', [0, 1, 2])
@pytest.mark.parametrize('thr', [0.3, 0.6])
def test_detection_part_equals_hmean_iou_metric(seed, thr):
    rng = np.random.default_rng(seed)
    samples = []
    for _ in range(10):
        gts = [(box(50 * i, 20 * (i % 2)), 'w', bool(rng.random() < 0.2))
               for i in range(rng.integers(1, 6))]
        preds = [(g[0] + rng.normal(0, 3, 8).astype(np.float32), 'w',
                  float(rng.random())) for g in gts if rng.random() < 0.8]
        preds += [(box(rng.uniform(0, 300), rng.uniform(0, 40)), 'w',
                   float(rng.random())) for _ in range(rng.integers(0, 3))]
        samples.append(sample(gts, preds))
    ours = run(samples, pred_score_thr=thr)
    ref_metric = HmeanIOUMetric(
        pred_score_thrs=dict(start=thr, stop=thr + 1e-6, step=1.))
    ref_metric.process([], samples)
    ref = ref_metric.compute_metrics(ref_metric.results)
    for k in ('precision', 'recall', 'hmean'):
        assert ours[f'det_{k}'] == pytest.approx(ref[k], abs=1e-12)
