"""configs/finetune: 18 twins (+ LSVT and demo pairs) that differ only in the
trunk's initialisation, and strict loading of an exported backbone."""
import copy
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mmocr.registry import MODELS
from oclip_mmocr.utils import BackboneKeyMismatchError, extract_backbone
from tests.helpers import REPO
from tests.finetune_helpers import top_level_configs

DETECTORS = ('dbnet', 'psenet', 'fcenet', 'textbpn')
DATASETS = ('icdar2015', 'ctw1500', 'totaltext')
OCLIP = top_level_configs('*-oclip_*')
TWINS = top_level_configs('*-imagenet_*') + top_level_configs('*-scratch_*')
OCLIP_R50 = [p for p in OCLIP if 'demo' not in p]


@pytest.fixture(autouse=True)
def lsvt_dictionary(tmp_path, monkeypatch):
    """The LSVT spotter reads its characters from the LSVT dictionary
    file when built (``lsvt_dict``): a small one here."""
    path = tmp_path / 'lsvt_dict.txt'
    path.write_text('\n'.join('中文字符识别abc') + '\n', encoding='utf-8')
    monkeypatch.setenv('OCLIP_LSVT_DICT', str(path))
    return str(path)


def test_missing_lsvt_dictionary_is_one_line_naming_the_setting(
        monkeypatch, tmp_path):
    monkeypatch.setenv('OCLIP_LSVT_DICT', str(tmp_path / 'nope.txt'))
    cfg = Config.fromfile(
        osp.join(REPO, 'configs/finetune/mts/mts_r50-imagenet_lsvt.py'))
    with pytest.raises(FileNotFoundError) as err:
        MODELS.build(cfg.model)
    msg = str(err.value)
    assert 'nope.txt not found' in msg and 'lsvt_dict=FILE' in msg
    assert '\n' not in msg


def twin_of(path: str) -> str:
    for tag in ('imagenet', 'scratch'):
        twin = path.replace('-oclip_', f'-{tag}_')
        if osp.isfile(twin):
            return twin
    raise AssertionError(f'{path} has no baseline twin')


def test_every_detector_on_three_datasets():
    names = [osp.basename(p) for p in OCLIP_R50]
    for det in DETECTORS:
        for ds in DATASETS:
            assert sum(n.startswith(det) and n.endswith(f'_{ds}.py')
                       for n in names) == 1, (det, ds)
    main = [p for p in OCLIP_R50
            if 'lsvt' not in p and '/mts/' not in p]
    assert len(main) == 12  # 4 detectors x 3 datasets
    assert len({twin_of(p) for p in main}) == 12
    # ICDAR19-LSVT: DBNet and PSENet (the paper's Table 1) and the spotter
    # (its Table 2, end to end).
    assert sorted(osp.basename(p).split('_')[0] for p in OCLIP_R50
                  if 'lsvt' in p) == ['dbnet', 'mts', 'psenet']
    # The spotter on ICDAR2015, Total-Text and LSVT, and staged as MTS v3
    # trains: SynthText, then each dataset or the mixture.
    assert sorted(osp.basename(p) for p in OCLIP_R50 if '/mts/' in p) == [
        'mts_r50-oclip_1e_synthtext.py', 'mts_r50-oclip_300e_icdar2015.py',
        'mts_r50-oclip_300e_totaltext.py', 'mts_r50-oclip_lsvt.py',
        'mts_r50-oclip_synthtext-300e_icdar2015.py',
        'mts_r50-oclip_synthtext-300e_totaltext.py',
        'mts_r50-oclip_synthtext-mixed_totaltext.py'
    ]
    # 12 + 3 LSVT (the spotter's among them) + 6 other spotter pairs + the
    # demo pair.
    assert len(OCLIP) == len(TWINS) == 22


def _without_trunk(cfg: Config) -> dict:
    d = copy.deepcopy(cfg.to_dict())
    # A later stage starts from its own twin's earlier stage.
    for key in ('load_from', 'synthtext_spotter'):
        if d.get(key):
            d[key] = d[key].replace('-oclip_', '-TRUNK_').replace(
                '-imagenet_', '-TRUNK_')
    d['model'].pop('backbone')
    d['model']['data_preprocessor'].pop('mean')
    d['model']['data_preprocessor'].pop('std')
    return d


@pytest.mark.parametrize('path', OCLIP, ids=osp.basename)
def test_twins_differ_only_in_the_trunk(path):
    ocl, base = Config.fromfile(path), Config.fromfile(twin_of(path))
    assert _without_trunk(ocl) == _without_trunk(base)
    bo, bb = ocl.model.backbone, base.model.backbone
    assert bo.type == 'CLIPResNet'
    assert bo.init_cfg.type == 'StrictPretrained'
    assert bo.init_cfg.checkpoint == ocl.oclip_backbone
    # Same stages out, same BN rule, DCN in neither.
    for key in ('out_indices', 'norm_eval', 'norm_cfg'):
        assert bo[key] == bb[key], key
    assert 'dcn' not in bo and 'dcn' not in bb
    if 'demo' in path:
        assert bb.init_cfg is None and bb.base_channels == 16
    else:
        assert bb.type == 'mmdet.ResNet' and bb.depth == 50
        assert bb.init_cfg.checkpoint == 'torchvision://resnet50'
        assert base.model.data_preprocessor.mean == [123.675, 116.28, 103.53]
        assert ocl.model.data_preprocessor.mean[0] == pytest.approx(122.77,
                                                                    abs=0.01)
    assert any(h['type'] == 'BackboneCheckpointHook'
               for h in ocl.custom_hooks)


def test_pretraining_work_dir_is_the_default():
    cfg = Config.fromfile(
        osp.join(REPO, 'configs/finetune/dbnet/dbnet_r50-oclip_1200e_'
                 'icdar2015.py'))
    assert cfg.oclip_backbone == 'work_dirs/oclip_r50_synthtext/backbone.pth'
    lsvt = Config.fromfile(
        osp.join(REPO, 'configs/finetune/psenet/psenet_r50-oclip_fpnf_'
                 'lsvt.py'))
    assert lsvt.oclip_backbone == 'work_dirs/oclip_r50_lsvt/backbone.pth'
    assert lsvt.model.backbone.init_cfg.checkpoint == lsvt.oclip_backbone


@pytest.fixture(scope='module')
def exported_r50(tmp_path_factory):
    """backbone.pth as the pretraining hook writes it, from a freshly built
    oCLIP R50 (the SynthText recipe's model)."""
    init_default_scope('mmocr')
    cfg = Config.fromfile(
        osp.join(REPO, 'configs/pretrain/oclip_r50_synthtext.py'))
    model = MODELS.build(cfg.model)
    path = tmp_path_factory.mktemp('export') / 'backbone.pth'
    state = extract_backbone(model.state_dict())
    torch.save(state, path)
    return str(path), state


@pytest.mark.parametrize('path', OCLIP_R50, ids=osp.basename)
def test_oclip_config_loads_exported_backbone_strictly(path, exported_r50,
                                                       tmp_path):
    ckpt, state = exported_r50
    cfg = Config.fromfile(path)
    cfg.model.backbone.init_cfg.checkpoint = ckpt
    model = MODELS.build(cfg.model)
    model.init_weights()
    loaded = model.backbone.state_dict()
    assert set(loaded) == set(state)  # zero missing, zero unexpected
    for k, v in state.items():
        assert torch.equal(loaded[k], v), k
    # A single renamed key stops the run and is named.
    bad = dict(state)
    bad['layer1.0.conv1.weight_renamed'] = bad.pop('layer1.0.conv1.weight')
    bad_path = tmp_path / 'renamed.pth'
    torch.save(bad, bad_path)
    cfg.model.backbone.init_cfg.checkpoint = str(bad_path)
    model = MODELS.build(cfg.model)
    with pytest.raises(BackboneKeyMismatchError) as err:
        model.init_weights()
    assert 'layer1.0.conv1.weight_renamed' in str(err.value)
    assert '1 missing from the file: layer1.0.conv1.weight' in str(err.value)


@pytest.mark.parametrize('path', TWINS, ids=osp.basename)
def test_baseline_config_builds(path):
    cfg = Config.fromfile(path)
    model = MODELS.build(cfg.model)
    expected = 'CLIPResNet' if 'demo' in path else 'ResNet'
    assert type(model.backbone).__name__ == expected
    assert not any('conv_offset' in k for k in model.state_dict())


@pytest.mark.parametrize('path', OCLIP + TWINS, ids=osp.basename)
def test_official_evaluation_settings(path):
    """docs/evaluation.md: simple output polygons everywhere
    (curved datasets as polygons), DetEval with both settings on every
    Total-Text config, spotter lexicons named for their protocol; every
    evaluator builds."""
    from mmengine.evaluator import Evaluator
    from oclip_mmocr.evaluation.metrics.spotting_hmean_iou_metric import \
        LEXICONS
    init_default_scope('mmocr')
    cfg = Config.fromfile(path)
    name = osp.basename(path)
    if cfg.test_evaluator is None:  # a pretraining stage: training only
        assert name.endswith('_synthtext.py') and cfg.val_evaluator is None
        return
    if cfg.model.type in ('DBNet', 'PSENet', 'FCENet'):
        post = cfg.model.det_head.postprocessor
        from oclip_mmocr.models.textdet.postprocessors import \
            SimplePolygonsMixin
        assert issubclass(MODELS.get(post.type), SimplePolygonsMixin), name
        # The demo twins finetune on synth_totaltext (curved words).
        curved = any(d in name
                     for d in ('ctw1500', 'totaltext', 'lsvt', 'demo'))
        assert (post.text_repr_type == 'poly') == curved, name
    evaluators = cfg.test_evaluator
    evaluators = evaluators if isinstance(evaluators, list) else [evaluators]
    types = [e['type'] for e in evaluators]
    if 'totaltext' in name:
        deteval = next(e for e in evaluators if e['type'] == 'DetEvalMetric')
        assert [tuple(s) for s in deteval['settings']] == [(0.7, 0.6),
                                                           (0.8, 0.4)]
        # The official number scores the submission's geometry.
        assert deteval.get('official_rounding') is True, name
    else:
        assert 'DetEvalMetric' not in types
    # By default MMOCR's number and the dataset's official protocol, each
    # under its own prefix (configs/finetune/_base_/evaluation.py).
    assert 'HmeanIOUMetric' in types, name
    official = {e.get('prefix'): e for e in evaluators
                if e['type'] == 'SubmissionHmeanIOUMetric'}
    if 'icdar2015' in name:
        assert official['icdar2015_rrc'].get('quadrilaterals') is True
    elif 'ctw1500' in name:
        assert not official['ctw1500_voc'].get('quadrilaterals', False)
    for e in evaluators:
        # LSVT's scores come from the metric itself (no submission writer
        # for its JSON format: docs/evaluation.md).
        if e['type'] == 'SpottingHmeanIOUMetric' and e['protocol'] != 'lsvt':
            assert e.get('official_rounding') is True, (name, e)
            assert e.get('quadrilaterals', False) == ('icdar2015' in name)
    if cfg.model.type == 'MTSSpotter' and 'lsvt' not in name:
        assert any(e.get('word_spotting') for e in evaluators), name
    if cfg.model.type == 'MTSSpotter':
        protocol = evaluators[0]['protocol']
        assert set(cfg.spotting_lexicons) == set(LEXICONS[protocol]) - {
            'none'}
    Evaluator(evaluators)  # builds (lexicon files are read only if used)
