"""tools/test.py's default evaluation: every lexicon whose files exist is
added to a spotter's evaluators, and the printed summary labels each metric
prefix with the protocol it follows."""
import importlib.util
import os.path as osp

from mmengine.config import Config

from oclip_mmocr.evaluation.protocol_scores import lexicon_evaluators
from tests.helpers import REPO


def _test_tool():
    # Loaded by path: the module name `test` is also the standard
    # library's test package.
    spec = importlib.util.spec_from_file_location(
        'oclip_tools_test', osp.join(REPO, 'tools', 'test.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lexicon_metrics_follow_the_configs_protocol(tmp_path):
    test_tool = _test_tool()
    (tmp_path / 'g.txt').write_text('HELLO\n')
    (tmp_path / 'gp.txt').write_text('HELLO Hello\n')
    cfg = Config.fromfile(
        f'{REPO}/configs/finetune/mts/mts_r50-oclip_300e_icdar2015.py',
        import_custom_modules=False)
    cfg.spotting_lexicons = dict(
        generic=dict(lexicon_file=str(tmp_path / 'g.txt'),
                     lexicon_pairs_file=str(tmp_path / 'gp.txt')),
        weak=dict(lexicon_file=str(tmp_path / 'missing.txt')))
    before = len(cfg.test_evaluator)
    test_tool.add_lexicon_metrics(cfg)
    added = cfg.test_evaluator[before:]
    assert len(added) == 1
    (metric, ) = added
    assert metric['lexicon'] == 'generic' and metric['prefix'] == \
        'e2e_generic'
    # Same protocol and submission geometry as the no-lexicon metric.
    assert metric['protocol'] == 'icdar2015'
    assert metric['official_rounding'] and metric['quadrilaterals']
    assert not metric.get('word_spotting')
    # A detector has no end-to-end metric to copy: nothing is added.
    assert lexicon_evaluators([dict(type='HmeanIOUMetric')],
                              dict(generic={})) == []


def test_summary_labels_every_prefix():
    test_tool = _test_tool()
    text = test_tool.protocol_summary({
        'icdar/hmean': 0.5, 'icdar2015_rrc/hmean': 0.49,
        'e2e/e2e_hmean': 0.3, 'spot/e2e_hmean': 0.31,
        'e2e_strong/e2e_hmean': 0.4, 'deteval/hmean': 0.6})
    assert "icdar: hmean 0.5000\n      (MMOCR's HmeanIOUMetric" in text
    assert 'icdar2015_rrc: hmean 0.4900\n      (ICDAR2015 official' in text
    assert 'deteval: hmean 0.6000\n      (Total-Text official' in text
    assert '(end to end with the strong lexicon (official))' in text
    assert '(word spotting, no lexicon' in text
