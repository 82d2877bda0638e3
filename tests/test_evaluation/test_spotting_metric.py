"""SpottingHmeanIOUMetric on hand-built cases with known answers.

Each official verdict below is derived from the script that defines it
(tests/official_readings.py names them): the RRC ICDAR2015 end-to-end and
word-spotting scripts, the Total-Text end-to-end script (the RRC rule on
polygons) and Mask TextSpotter v3's lexicon step."""
import numpy as np
import pytest
import torch

from mmocr.evaluation import HmeanIOUMetric
from oclip_mmocr.evaluation import (SpottingHmeanIOUMetric, match_lexicon,
                                    read_pairs, rrc_spotting_transcription,
                                    rrc_transcription_match,
                                    rrc_word_is_cared)


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
    # The RRC dictionary has letters and hyphens only: no digits.
    for word in ('2015', 'CW3', 'LEVEL2'):
        assert not rrc_word_is_cared(word), word
    assert rrc_spotting_transcription("Hotel's") == 'Hotel'
    assert rrc_spotting_transcription('-Hello!') == 'Hello'
    # word_spotting: such ground truth becomes don't care.
    s = sample([(box(0, 0), 'ab', False), (box(100, 0), 'word', False)],
               [(box(100, 0), 'word', 0.9)])
    assert run([s])['e2e_recall'] == 0.5
    assert run([s], word_spotting=True)['e2e_recall'] == 1.


def test_word_spotting_official_verdicts():
    """RRC word spotting: the ground truth is replaced by its dictionary
    form, then an exact case-insensitive match is needed."""
    # GT "Hotel's" / pred "Hotel": official match (GT becomes "Hotel").
    s = sample([(box(0, 0), "Hotel's", False)], [(box(0, 0), 'HOTEL', 0.9)])
    assert run([s], word_spotting=True)['e2e_hmean'] == 1.
    # GT "Hello!" / pred "Hello!": official no match (GT becomes "Hello").
    s = sample([(box(0, 0), 'Hello!', False)], [(box(0, 0), 'Hello!', 0.9)])
    r = run([s], word_spotting=True)
    assert r['e2e_recall'] == r['e2e_precision'] == 0.
    # ... while end to end (no word spotting) it matches.
    assert run([s])['e2e_hmean'] == 1.
    # GT "LEVEL2": don't care, and a prediction on it vanishes (neither a
    # hit nor a false positive); the other word is found.
    s = sample([(box(0, 0), 'LEVEL2', False), (box(100, 0), 'Exit', False)],
               [(box(0, 0), 'LEVEL2', 0.9), (box(100, 0), 'exit', 0.9)])
    r = run([s], word_spotting=True)
    assert r['e2e_precision'] == r['e2e_recall'] == 1.
    # Without word spotting LEVEL2 is an ordinary word.
    s2 = sample([(box(0, 0), 'LEVEL2', False)], [(box(0, 0), 'LEVELZ', .9)])
    assert run([s2])['e2e_recall'] == 0.


def test_totaltext_end_to_end_drops_one_special_character():
    """Total-Text's end-to-end script: one special character may be
    dropped from either end of the ground truth (``hello!`` / ``hello``)."""
    s = sample([(box(0, 0), 'hello!', False), (box(100, 0), '(sale)', False),
                (box(200, 0), 'a-b', False)],
               [(box(0, 0), 'hello', 0.9), (box(100, 0), 'SALE', 0.9),
                (box(200, 0), 'ab', 0.9)])
    r = run([s], protocol='totaltext')
    assert r['e2e_recall'] == pytest.approx(2 / 3)  # 'a-b' is inside


def test_match_lexicon():
    assert match_lexicon('HELL0', ['world', 'hello', 'help']) == ('hello', 1)
    # Ties: the first entry. Whole lines: entries with spaces.
    assert match_lexicon('ab', ['ac', 'ad'])[0] == 'ac'
    assert match_lexicon('50%OFF', ['50% OFF', 'OFF'])[0] == '50% OFF'
    # A pair list maps the (upper-cased) entry to the GT spelling.
    assert match_lexicon('hotel', ['HOTEL'], {'HOTEL': "Hotel's"}) == \
        ("Hotel's", 0)


def test_lexicon_protocols(tmp_path):
    """Mask TextSpotter v3: generic snaps every word; weak / strong / full
    drop a word whose nearest entry is >= 1.5 edits away."""
    words = tmp_path / 'voc.txt'
    words.write_text('world\nhello\n50% OFF\n')
    # One correct word + one garbage detection: MTS (weak) drops the garbage
    # -> P = R = 1; generic snaps it to 'world' and keeps it -> P 0.5.
    s = sample([(box(0, 0), 'Hello', False)],
               [(box(0, 0), 'HELL0', 0.9), (box(200, 0), 'xqzzv', 0.9)])
    assert run([s])['e2e_hmean'] == 0.
    weak = run([s], lexicon='weak', lexicon_file=str(words))
    assert weak['e2e_precision'] == weak['e2e_recall'] == 1.
    # Detection numbers still count every prediction.
    assert weak['det_precision'] == 0.5
    generic = run([s], lexicon='generic', lexicon_file=str(words))
    assert generic['e2e_precision'] == 0.5 and generic['e2e_recall'] == 1.
    assert generic['e2e_hmean'] == pytest.approx(2 / 3)
    # Distance exactly 1 is kept, 2 is dropped.
    s1 = sample([(box(0, 0), 'Hello', False)], [(box(0, 0), 'HELLX', 0.9)])
    s2 = sample([(box(0, 0), 'Hello', False)], [(box(0, 0), 'HELXX', 0.9)])
    assert run([s1], lexicon='weak',
               lexicon_file=str(words))['e2e_recall'] == 1.
    r2 = run([s2], lexicon='weak', lexicon_file=str(words))
    assert r2['e2e_recall'] == 0. and r2['e2e_precision'] == 0.
    # A multi-word entry is one entry ('50% OFF', not '50%').
    s3 = sample([(box(0, 0), '50% OFF', False)],
                [(box(0, 0), '50% 0FF', 0.9)])
    assert run([s3], lexicon='weak',
               lexicon_file=str(words))['e2e_hmean'] == 1.


def test_lexicon_pair_lists(tmp_path):
    """Pair lists map a lexicon entry to the GT spelling (MTS's
    GenericVocabulary_pair_list.txt: ``ENTRY gt spelling``)."""
    (tmp_path / 'voc.txt').write_text('HOTELS\nCAFE\n')
    (tmp_path / 'pairs.txt').write_text("HOTELS Hotel's\nCAFE Café\n")
    assert read_pairs(str(tmp_path / 'pairs.txt')) == {
        'HOTELS': "Hotel's", 'CAFE': 'Café'}
    s = sample([(box(0, 0), 'Café', False), (box(100, 0), "Hotel's", False)],
               [(box(0, 0), 'CAFE', 0.9), (box(100, 0), 'HOTELS', 0.9)])
    plain = run([s], lexicon='weak', lexicon_file=str(tmp_path / 'voc.txt'))
    assert plain['e2e_recall'] == 0.
    paired = run([s], lexicon='weak',
                 lexicon_file=str(tmp_path / 'voc.txt'),
                 lexicon_pairs_file=str(tmp_path / 'pairs.txt'))
    assert paired['e2e_recall'] == 1.
    # Strong: per image, with its own pair list.
    (tmp_path / 'new_voc_img_3.txt').write_text('CAFE\n')
    (tmp_path / 'pair_voc_img_3.txt').write_text('CAFE Café\n')
    s3 = sample([(box(0, 0), 'Café', False)], [(box(0, 0), 'CAF', 0.9)],
                img_path='imgs/test/img_3.jpg')
    assert run([s3], lexicon='strong', lexicon_dir=str(tmp_path),
               lexicon_pattern='new_voc_{stem}.txt',
               lexicon_pair_pattern='pair_voc_{stem}.txt')['e2e_hmean'] == 1.


def test_lexicon_snapping(tmp_path):
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
    # img_2's nearest entry is 2 edits away: dropped, not a false positive.
    assert r['e2e_recall'] == 0.5 and r['e2e_precision'] == 1.
    # Total-Text full lexicon.
    assert run([s], protocol='totaltext', lexicon='full',
               lexicon_file=str(generic))['e2e_hmean'] == 1.


def test_official_rounding():
    """Submissions hold integers: a 100x10 GT and a prediction 50.4 px
    wide have IoU 0.504 as floats (a match) but 0.50 once the 50.4 is
    written as 50 (not > 0.5: no match)."""
    gt = np.array([0, 0, 100, 0, 100, 10, 0, 10], np.float32)
    pred = np.array([0, 0, 50.4, 0, 50.4, 10, 0, 10], np.float32)
    s = sample([(gt, 'word', False)], [(pred, 'word', 0.9)])
    assert run([s])['det_hmean'] == 1.
    assert run([s], official_rounding=True)['det_hmean'] == 0.
    # RRC quadrilaterals: a curved prediction becomes its rectangle.
    curve = np.array([0, 0, 50, -4, 100, 0, 100, 10, 50, 6, 0, 10],
                     np.float32)
    s = sample([(gt, 'word', False)], [(curve, 'word', 0.9)])
    r = run([s], official_rounding=True, quadrilaterals=True)
    assert r['det_hmean'] == 1.  # rectangle 0..100 x -4..10: IoU 0.71


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
