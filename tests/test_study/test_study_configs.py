"""The embedded benchmark's configs: every profile is read by MMOCR's
dataset classes and trains one iteration with every detector (oCLIP and
scratch twins), then evaluates; the study command runs end to end on a tiny
budget."""
import argparse
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from mmengine.runner.checkpoint import _load_checkpoint

from mmocr.registry import MODELS
from oclip_mmocr.utils import extract_backbone
from oclip_mmocr.utils.cli import parse_config
from tests.helpers import REPO, SHARED, import_tool
from tests.finetune_helpers import shrink_pipeline

pytestmark = pytest.mark.slow
STUDY = osp.join(REPO, 'configs/study')
PAIRS = [(d, p) for d in ('dbnet', 'psenet', 'fcenet', 'textbpn', 'mts')
         for p in ('synth_icdar2015', 'synth_ctw1500', 'synth_totaltext')
         if d != 'mts' or p != 'synth_ctw1500']


@pytest.fixture(scope='module')
def backbone(tmp_path_factory):
    init_default_scope('mmocr')
    cfg = Config.fromfile(osp.join(REPO,
                                   'configs/pretrain/oclip_demo_synthetic.py'))
    model = MODELS.build(cfg.model)
    path = tmp_path_factory.mktemp('bb') / 'backbone.pth'
    torch.save(extract_backbone(model.state_dict()), path)
    return str(path)


def _load(name, profile, backbone, **knobs):
    """The study config as our tools parse it with ``--cfg-options
    synth_profile=... oclip_backbone=... KNOB=...``."""
    return parse_config(
        osp.join(STUDY, name),
        dict(synth_profile=profile, oclip_backbone=backbone, **knobs))


@pytest.mark.parametrize('detector,profile', PAIRS,
                         ids=['-'.join(p) for p in PAIRS])
def test_one_iteration_each(detector, profile, backbone, tmp_path):
    knobs = dict(study_epochs=1, study_train_images=2, study_test_images=2)
    cfg = _load(f'{detector}-oclip_synth.py', profile, backbone, **knobs)
    twin = _load(f'{detector}-scratch_synth.py', profile, backbone, **knobs)
    # The twins differ in the trunk's initialisation only.
    assert twin.model.backbone.get('init_cfg') is None
    assert cfg.model.backbone.init_cfg.checkpoint == backbone
    a, b = cfg.to_dict(), twin.to_dict()
    a['model']['backbone'].pop('init_cfg')
    b['model']['backbone'].pop('init_cfg')
    assert a == b
    root = str(tmp_path / 'data')
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg[name]
        loader.num_workers = 0
        loader.persistent_workers = False
        loader.batch_size = 2
        ds = loader.dataset
        assert ds.profile == profile
        ds.data_root = root
        ds.img_size = (128, 128)
        ds.num_workers = 1
        ds.pipeline = shrink_pipeline(ds.pipeline, 1 / 3)
    cfg.work_dir = str(tmp_path / 'work')
    cfg.default_hooks.logger.interval = 1
    runner = Runner.from_cfg(cfg)
    runner.train()
    # One iteration per epoch here; DBNet, FCENet and TextBPN train twice
    # the study's epochs.
    long = detector in ('dbnet', 'fcenet', 'textbpn')
    assert runner.iter == cfg.train_cfg.max_epochs == (2 if long else 1)
    loss = runner.message_hub.get_scalar('train/loss').current()
    assert torch.isfinite(torch.tensor(loss))
    metrics = runner.val_loop.run()
    assert 'icdar/hmean' in metrics and 'fixed/hmean' in metrics
    if detector == 'mts':
        assert 'e2e/e2e_hmean' in metrics
    # MMOCR's own dataset class reads both annotation files.
    from mmocr.datasets import OCRDataset
    for task in ('textdet', 'textspotting'):
        ds = OCRDataset(data_root=root, ann_file=f'{task}_train.json',
                        pipeline=[])
        assert len(ds) == 2 and ds[0]['instances']


@pytest.mark.parametrize('init', ['oclip', 'scratch'])
def test_dbnet_neck_variant_differs_in_the_laterals_only(init, backbone):
    """The study's DBNet neck variant: MMOCR's recipe with FPNC's
    normalised laterals, nothing else; its twins differ in the trunk."""
    base = _load(f'dbnet-{init}_synth.py', 'synth_ctw1500', backbone)
    var = _load(f'dbnet-normlat-{init}_synth.py', 'synth_ctw1500', backbone)
    assert base.model.neck.get('bn_re_on_lateral', False) is False
    assert var.model.neck.bn_re_on_lateral is True
    a, b = base.to_dict(), var.to_dict()
    b['model']['neck'].pop('bn_re_on_lateral')
    assert a == b
    init_default_scope('mmocr')
    neck = MODELS.build(var.model.neck)
    assert any(isinstance(m, torch.nn.BatchNorm2d)
               for m in neck.lateral_convs.modules())


PLATEAU_RULES = {'dbnet': ('loss_prob', 'stall'),
                 'dbnet-normlat': ('loss_prob', 'stall'),
                 'psenet': ('loss_text', 'start'),
                 'fcenet': ('loss_center', 'start'),
                 'textbpn': ('loss_cls', 'start'),
                 'mts': ('loss_spn', 'start')}


@pytest.mark.parametrize('detector', sorted(PLATEAU_RULES))
def test_plateau_rule_per_detector(detector, backbone):
    """DBNet's map first falls to a constant (its bias) and sits there: its
    plateau is read where the loss stalls; the others from the start."""
    for init in ('oclip', 'scratch'):
        cfg = _load(f'{detector}-{init}_synth.py', 'synth_totaltext',
                    backbone)
        hooks = [h for h in cfg.custom_hooks
                 if h['type'] == 'PlateauExitHook']
        assert len(hooks) == 1
        assert (hooks[0]['loss_key'], hooks[0].get('level_at', 'start')) \
            == PLATEAU_RULES[detector]


def test_real_test_set_knob(backbone):
    cfg = _load('mts-oclip_synth.py', 'synth_icdar2015', backbone,
                study_test_root='/data/ic15')
    ds = cfg.test_dataloader.dataset
    assert ds.type == 'OCRDataset' and ds.data_root == '/data/ic15'
    assert cfg.test_evaluator.type == 'HmeanIOUMetric'
    resize = next(t for t in ds.pipeline if t['type'] == 'Resize')
    assert resize['scale'] == (1280, 1280)


def test_budget_knobs(backbone):
    """The study's budget: batch and epochs from the knobs, DBNet (FCENet,
    TextBPN) at twice the epochs with the rate decaying in their own last
    epoch, ICDAR2015 frames padded to 512x288 rather than a square."""
    cfg = _load('psenet-scratch_synth.py', 'synth_icdar2015', backbone,
                study_epochs=3, study_batch_size=2)
    assert cfg.train_dataloader.batch_size == 2
    assert cfg.train_cfg.max_epochs == 3
    # DBNet (both necks, both twins): a quarter of the batch, the same
    # epochs.
    for name in ('dbnet-oclip', 'dbnet-scratch', 'dbnet-normlat-oclip',
                 'dbnet-normlat-scratch'):
        for batch, quarter in ((8, 2), (4, 1), (2, 1), (1, 1)):
            db = _load(f'{name}_synth.py', 'synth_icdar2015', backbone,
                       study_epochs=3, study_batch_size=batch)
            assert db.train_dataloader.batch_size == quarter
            # The report's header names the batch the config trains at.
            assert import_tool('study').dbnet_batch(
                argparse.Namespace(batch_size=batch)) == quarter
            assert db.train_cfg.max_epochs == 6
            # Its BN statistics recomputed over the training split, in
            # the batch the header names.
            (pbn, ) = [h for h in db.custom_hooks
                       if h['type'] == 'PreciseBNHook']
            assert pbn['batch_size'] == \
                import_tool('study').DBNET_PRECISE_BN_BATCH
            assert pbn['num_images'] == db.study_train_images
    assert cfg.default_hooks.checkpoint.interval == 3
    # The learning curve: validation at a third, two thirds and the end
    # (MMEngine always validates the last epoch), at the study's fixed
    # threshold (compare_twins' default) next to MMOCR's sweep; the final
    # test has MMOCR's metric alone.
    assert cfg.train_cfg.val_interval == 1
    sweep, fixed = cfg.val_evaluator
    assert sweep.type == fixed.type == 'HmeanIOUMetric'
    assert fixed.prefix == 'fixed' and 'prefix' not in sweep
    thr = fixed.pred_score_thrs
    assert thr.start == 0.5 and thr.start + thr.step > thr.stop > 0.5
    assert cfg.test_evaluator.type == 'HmeanIOUMetric'
    spot = _load('mts-scratch_synth.py', 'synth_totaltext', backbone)
    assert [e.type for e in spot.val_evaluator] == [
        'SpottingHmeanIOUMetric', 'GTRecognitionMetric', 'HmeanIOUMetric',
        'HmeanIOUMetric']
    assert spot.val_evaluator[-1].prefix == 'fixed'
    assert [e.type for e in spot.test_evaluator] == [
        'SpottingHmeanIOUMetric', 'GTRecognitionMetric', 'HmeanIOUMetric']
    assert spot.train_cfg.val_interval == 2
    (poly, ) = cfg.param_scheduler
    assert (poly.begin, poly.end, poly.convert_to_iter_based) == (2, 3, True)
    pad = next(t for t in cfg.train_dataloader.dataset.pipeline
               if t['type'] == 'Pad')
    assert pad['size'] == (512, 288)
    db = _load('dbnet-scratch_synth.py', 'synth_totaltext', backbone,
               study_epochs=3)
    assert db.train_cfg.max_epochs == 6
    assert db.train_cfg.val_interval == 2
    assert db.default_hooks.checkpoint.interval == 6
    assert (db.param_scheduler[0].begin, db.param_scheduler[0].end) == (5, 6)
    pad = next(t for t in db.train_dataloader.dataset.pipeline
               if t['type'] == 'Pad')
    assert pad['size'] == (256, 256)
    # The defaults the documented study was measured with.
    cfg = _load('psenet-oclip_synth.py', 'synth_ctw1500', backbone)
    assert cfg.train_cfg.max_epochs == 6
    for detector in ('dbnet', 'fcenet', 'textbpn'):
        long = _load(f'{detector}-oclip_synth.py', 'synth_ctw1500', backbone)
        assert long.train_cfg.max_epochs == 12, detector
    assert cfg.train_dataloader.batch_size == 4


def test_study_command_on_a_tiny_budget(tmp_path):
    """tools/study.py end to end: pretraining, one detector pair on one
    profile with two finetuning seeds trained at once (``--jobs 2``: they
    share the generated data), sim to real when the ICDAR2015 sample is
    there, the table with spreads and intervals."""
    work = tmp_path / 'study'
    env = dict(os.environ, PYTHONWARNINGS='ignore')
    cmd = [sys.executable, osp.join(REPO, 'tools/study.py'), '--work-dir',
           str(work), '--epochs', '1', '--train-images', '8',
           '--test-images', '4', '--pretrain-images', '16',
           '--pretrain-epochs', '1', '--detectors', 'dbnet', '--profiles',
           'synth_icdar2015', '--seeds', '2', '--probe-images', '4',
           '--jobs', '2', '--cfg-options', 'param_scheduler.0.power=0.5']
    out = subprocess.run(cmd, cwd=str(tmp_path), env=env,
                         capture_output=True, text=True, timeout=1200)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert 'synth_icdar2015, seed 1: 2 models, train and test: started' \
        in out.stdout, out.stdout
    md = (work / 'study.md').read_text()
    assert '| DBNet | synth_icdar2015 |' in md
    # More finetuning options reach every run and the report names them.
    assert 'finetuning options param_scheduler.0.power=0.5;' in md
    for k in range(2):
        dumped = (work / 'synth_icdar2015' / f'seed{k}' / 'dbnet-oclip_synth'
                  / 'dbnet-oclip_synth.py').read_text()
        assert 'power=0.5' in dumped and 'power=0.9' not in dumped
    # Two seeds trained apart (their own work dirs, different weights).
    runs = [work / 'synth_icdar2015' / f'seed{k}' / 'dbnet-scratch_synth'
            for k in range(2)]
    assert all((r / 'image_counts.npy').is_file() for r in runs)
    ckpts = [_load_checkpoint(str(r / 'epoch_2.pth'),
                              map_location='cpu')['state_dict']
             for r in runs]
    key = next(k for k in ckpts[0] if k.endswith('weight'))
    assert not torch.equal(ckpts[0][key], ckpts[1][key])
    # DBNet's BN statistics were recomputed at the end (PreciseBNHook: the
    # 8 training images in one batch of 8) instead of the running average
    # of its 16 training steps at a batch of 1.
    tracked = [k for k in ckpts[0] if k.endswith('num_batches_tracked')
               and k.startswith(('backbone.', 'neck.', 'det_head.binarize'))]
    assert tracked and all(int(c[k]) == 1 for c in ckpts for k in tracked)
    line = next(x for x in md.splitlines() if '| DBNet |' in x)
    assert ' ± ' in line and '[' in line
    # Each model recorded when it left its initial plateau (or never).
    assert all((r / 'plateau.json').is_file() for r in runs)
    assert '(of ' in line.split('|')[-2]
    assert (work / 'study.csv').is_file() and (work / 'study.png').is_file()
    # DBNet trains 2 epochs here, validated after each: a two-point curve.
    curve = next(x for x in md.split('Learning curves')[1].splitlines()
                 if '| DBNet |' in x)
    assert curve.count('(epochs 1, 2)') == 2, curve
    assert 'masked-character accuracy' in md
    assert 'AUROC oCLIP' in md and (work / 'pretrain/probe.json').is_file()
    # Where the time went, from the runs' own logs.
    cost = next(x for x in md.split('Cost:')[1].splitlines()
                if '| DBNet |' in x)
    assert float(cost.split('|')[-2]) > 0, cost
    assert 'A fresh run of these cells and seeds: about' in md
    real = osp.isfile(osp.join(SHARED,
                               'data/icdar2015_sample/textdet_test.json'))
    if real:
        assert 'Sim to real' in md

    # The same models with statistics recomputed afterwards
    # (tools/study_precise_bn.py), reported by the study's own command:
    # nothing is trained again.
    pbn = tmp_path / 'pbn'
    got = subprocess.run(
        [sys.executable, osp.join(REPO, 'tools/study_precise_bn.py'),
         str(work), str(pbn), '--detectors', 'dbnet', '--images', '4',
         '--batch-size', '2'],
        cwd=str(tmp_path), env=env, capture_output=True, text=True,
        timeout=600)
    assert got.returncode == 0, got.stdout[-3000:] + got.stderr[-3000:]
    for k in range(2):
        new = torch.load(pbn / 'synth_icdar2015' / f'seed{k}' /
                         'dbnet-scratch_synth' / 'precise_bn.pth',
                         weights_only=True)
        assert new['meta']['precise_bn']['batches'] == 2
        assert all(int(new['state_dict'][t]) == 2 for t in tracked)
    cmd[cmd.index('--work-dir') + 1] = str(pbn)
    again = subprocess.run(cmd, cwd=str(tmp_path), env=env,
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert 'train and test' not in again.stdout, again.stdout
    assert again.stdout.count('done before') == 2, again.stdout
    pbn_md = (pbn / 'study.md').read_text()
    # The training's plateau records and costs come along.
    pbn_line = next(x for x in pbn_md.splitlines() if '| DBNet |' in x)
    assert pbn_line.split('|')[-2] == line.split('|')[-2]
    assert ('Sim to real' in pbn_md) == real


@pytest.mark.parametrize('profile,shape', [('synth_icdar2015', 'quad'),
                                           ('synth_ctw1500', 'poly'),
                                           ('synth_totaltext', 'poly')])
def test_detectors_emit_the_profiles_geometry(profile, shape, backbone):
    """ICDAR2015 is scored on quadrilaterals, the curved sets on polygons;
    every detector follows the profile (TextBPN once kept ICDAR2015's
    quadrilaterals on the curved sets)."""
    for detector in ('dbnet', 'psenet', 'fcenet', 'textbpn'):
        for init in ('oclip', 'scratch'):
            cfg = _load(f'{detector}-{init}_synth.py', profile, backbone)
            post = cfg.model.det_head.postprocessor
            assert post.text_repr_type == shape, (detector, init)
            assert post.type.startswith(('Valid', 'TextBPN')), post.type
    spotter = _load('mts-oclip_synth.py', profile, backbone)
    protocol = 'icdar2015' if shape == 'quad' else 'totaltext'
    assert spotter.val_evaluator[0].protocol == protocol
