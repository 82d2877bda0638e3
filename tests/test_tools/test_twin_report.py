"""tools/twin_report.py: rows, tables, CSV and charts of twin comparisons,
the published reference, the lexicons a config finds."""
import pytest
from mmengine.config import Config

from oclip_mmocr.evaluation import score_predictions
from tests.helpers import (import_tool, needs_shared, random_det_samples,
                           shared_path, with_texts)

report = import_tool('twin_report')


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
    rows = report.build_rows(results, ref)
    assert len(rows) == 4  # 2 pairs x 2 protocols
    r = next(r for r in rows if r['pair'] == 'dbnet_ic15'
             and r['protocol'] == 'best')
    assert r['delta_hmean'] == pytest.approx(0.01)
    assert r['published_oclip_hmean'] == 0.8644
    assert r['published_baseline_hmean'] is None
    md = report.to_markdown(rows)
    assert 'Best of thresholds' in md and 'Fixed score threshold' in md
    assert '+0.0100' in md and '+0.0200' in md and '0.8644' in md
    report.write_csv(rows, str(tmp_path / 'b.csv'))
    lines = (tmp_path / 'b.csv').read_text().splitlines()
    assert len(lines) == 5 and 'delta_hmean' in lines[0]
    report.plot_chart(rows, str(tmp_path / 'b.png'))
    assert (tmp_path / 'b.png').read_bytes()[:4] == b'\x89PNG'


@needs_shared('reference', 'published_results.md')
def test_parse_published():
    table = report.parse_published(
        shared_path('reference', 'published_results.md'))
    assert table[('ICDAR2015', 'DBNet', 'oCLIP')]['hmean'] == 0.8644
    assert table[('CTW1500', 'PSENet', 'ImageNet')]['hmean'] == 0.7793
    assert table[('CTW1500', 'FCENet', 'ImageNet')]['model'] == \
        'FCENet R50+DCNv2'
    assert not any(k[1].startswith('DBNet++') for k in table)


def test_spotter_rows_name_protocol_and_script(tmp_path):
    samples = with_texts(random_det_samples(7))
    scores = score_predictions(samples, fixed_thr=0.5,
                               e2e_protocol='icdar2015', dataset='icdar2015')
    results = [dict(pair='mts', init=i, dataset='ICDAR2015',
                    detector='MTSSpotter', config=f'mts-{i}', scores=scores)
               for i in ('oCLIP', 'ImageNet')]
    rows = report.build_rows(results)
    assert [r['protocol'] for r in rows] == list(scores)
    assert [r['primary'] for r in rows] == [False, False, True, False,
                                             False]
    md = report.to_markdown(rows)
    assert 'Official protocols' in md
    assert 'RRC ICDAR2015 Challenge 4 detection script' in md
    assert 'Word spotting, no lexicon (RRC word-spotting script)' in md
    report.plot_chart(rows, str(tmp_path / 'c.png'))


def test_available_lexicons(tmp_path):
    (tmp_path / 'g.txt').write_text('A\n')
    cfg = Config(dict(spotting_lexicons=dict(
        generic=dict(lexicon_file=str(tmp_path / 'g.txt')),
        weak=dict(lexicon_file=str(tmp_path / 'missing.txt')),
        strong=dict(lexicon_dir=str(tmp_path / 'nodir')))))
    from oclip_mmocr.evaluation.protocol_scores import available_lexicons
    found, missing = available_lexicons(cfg)
    assert list(found) == ['generic'] and missing == ['weak', 'strong']


def test_fixed_threshold_delta_has_its_interval():
    """With per-image counts (compare_twins stores them), the fixed
    threshold's Δ comes with its paired image-bootstrap interval; a twin
    that is better on real samples gets an interval above zero, equal
    twins one around zero."""
    from oclip_mmocr.evaluation.bootstrap import image_counts
    good = random_det_samples(3)
    worse = [dict(s, pred_instances=dict(
        s['pred_instances'],
        scores=s['pred_instances']['scores'] * (i % 2)))  # half the images
        for i, s in enumerate(good)]                       # find nothing
    results = [dict(_result('dbnet', 'oCLIP', 0.8),
                    counts=image_counts(good, 0.5)),
               dict(_result('dbnet', 'ImageNet', 0.6),
                    counts=image_counts(worse, 0.5))]
    rows = report.build_rows(results)
    fixed = next(r for r in rows if r['protocol'] == 'fixed')
    assert 0 < fixed['delta_low'] < fixed['delta_high']
    best = next(r for r in rows if r['protocol'] == 'best')
    assert 'delta_low' not in best  # only at the fixed threshold
    md = report.to_markdown(rows)
    assert f"+0.2000 [{fixed['delta_low']:+.3f}, " \
           f"{fixed['delta_high']:+.3f}]" in md
    same = report.build_rows([dict(r, counts=image_counts(good, 0.5))
                              for r in results])
    fixed = next(r for r in same if r['protocol'] == 'fixed')
    assert fixed['delta_low'] == fixed['delta_high'] == 0
    # Without counts (or on different images): no interval, as before.
    assert 'delta_low' not in next(
        r for r in report.build_rows([_result('x', 'oCLIP', .5),
                                      _result('x', 'ImageNet', .4)])
        if r['protocol'] == 'fixed')
