"""The embedded benchmark's configs: every profile is read by MMOCR's
dataset classes and trains one iteration with every detector (oCLIP and
scratch twins), then evaluates; the study command runs end to end on a tiny
budget."""
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from mmocr.registry import MODELS
from oclip_mmocr.utils import extract_backbone
from tests.helpers import REPO, SHARED
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


def _load(name, profile, backbone, monkeypatch, **env):
    monkeypatch.setenv('OCLIP_SYNTH_PROFILE', profile)
    monkeypatch.setenv('OCLIP_OCLIP_BACKBONE', backbone)
    for k, v in env.items():
        monkeypatch.setenv(f'OCLIP_{k.upper()}', str(v))
    return Config.fromfile(osp.join(STUDY, name))


@pytest.mark.parametrize('detector,profile', PAIRS,
                         ids=['-'.join(p) for p in PAIRS])
def test_one_iteration_each(detector, profile, backbone, tmp_path,
                            monkeypatch):
    cfg = _load(f'{detector}-oclip_synth.py', profile, backbone, monkeypatch,
                study_epochs=1, study_train_images=2, study_test_images=2)
    twin = _load(f'{detector}-scratch_synth.py', profile, backbone,
                 monkeypatch)
    # The twins differ in the trunk's initialisation only.
    assert twin.model.backbone.get('init_cfg') is None
    assert cfg.model.backbone.init_cfg.checkpoint == backbone
    for key in ('neck', 'train_dataloader', 'optim_wrapper', 'train_cfg'):
        if key in cfg.model or key in cfg:
            a = cfg.model.get(key, cfg.get(key))
            b = twin.model.get(key, twin.get(key))
            assert a == b or key == 'train_dataloader', key
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
    assert 'icdar/hmean' in metrics
    if detector == 'mts':
        assert 'e2e/e2e_hmean' in metrics
    # MMOCR's own dataset class reads both annotation files.
    from mmocr.datasets import OCRDataset
    for task in ('textdet', 'textspotting'):
        ds = OCRDataset(data_root=root, ann_file=f'{task}_train.json',
                        pipeline=[])
        assert len(ds) == 2 and ds[0]['instances']


def test_real_test_set_knob(backbone, monkeypatch):
    cfg = _load('mts-oclip_synth.py', 'synth_icdar2015', backbone,
                monkeypatch, study_test_root='/data/ic15')
    ds = cfg.test_dataloader.dataset
    assert ds.type == 'OCRDataset' and ds.data_root == '/data/ic15'
    assert cfg.test_evaluator.type == 'HmeanIOUMetric'
    resize = next(t for t in ds.pipeline if t['type'] == 'Resize')
    assert resize['scale'] == (1280, 1280)


def test_budget_knobs(backbone, monkeypatch):
    """The study's budget: batch and epochs from the knobs, DBNet (FCENet,
    TextBPN) at twice the epochs with the rate decaying in their own last
    epoch, ICDAR2015 frames padded to 512x288 rather than a square."""
    cfg = _load('psenet-scratch_synth.py', 'synth_icdar2015', backbone,
                monkeypatch, study_epochs=3, study_batch_size=2)
    assert cfg.train_dataloader.batch_size == 2
    assert cfg.train_cfg.max_epochs == 3
    assert cfg.default_hooks.checkpoint.interval == 3
    (poly, ) = cfg.param_scheduler
    assert (poly.begin, poly.end, poly.convert_to_iter_based) == (2, 3, True)
    pad = next(t for t in cfg.train_dataloader.dataset.pipeline
               if t['type'] == 'Pad')
    assert pad['size'] == (512, 288)
    db = _load('dbnet-scratch_synth.py', 'synth_totaltext', backbone,
               monkeypatch, study_epochs=3)
    assert db.train_cfg.max_epochs == 6
    assert db.default_hooks.checkpoint.interval == 6
    assert (db.param_scheduler[0].begin, db.param_scheduler[0].end) == (5, 6)
    pad = next(t for t in db.train_dataloader.dataset.pipeline
               if t['type'] == 'Pad')
    assert pad['size'] == (256, 256)
    # The defaults the README's study was measured with.
    monkeypatch.delenv('OCLIP_STUDY_EPOCHS')
    monkeypatch.delenv('OCLIP_STUDY_BATCH_SIZE', raising=False)
    cfg = _load('psenet-oclip_synth.py', 'synth_ctw1500', backbone,
                monkeypatch)
    assert cfg.train_cfg.max_epochs == 6
    for detector in ('dbnet', 'fcenet', 'textbpn'):
        long = _load(f'{detector}-oclip_synth.py', 'synth_ctw1500', backbone,
                     monkeypatch)
        assert long.train_cfg.max_epochs == 12, detector
    assert cfg.train_dataloader.batch_size == 4


def test_study_command_on_a_tiny_budget(tmp_path):
    """tools/study.py end to end: pretraining, one detector pair on one
    profile, sim to real when the ICDAR2015 sample is there, the table."""
    work = tmp_path / 'study'
    env = dict(os.environ, PYTHONWARNINGS='ignore')
    for k in list(env):
        if k.startswith('OCLIP_'):
            env.pop(k)
    cmd = [sys.executable, osp.join(REPO, 'tools/study.py'), '--work-dir',
           str(work), '--epochs', '1', '--train-images', '8',
           '--test-images', '4', '--pretrain-images', '16',
           '--pretrain-epochs', '1', '--detectors', 'dbnet', '--profiles',
           'synth_icdar2015']
    out = subprocess.run(cmd, cwd=str(tmp_path), env=env,
                         capture_output=True, text=True, timeout=1200)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    md = (work / 'study.md').read_text()
    assert '| DBNet | synth_icdar2015 |' in md
    assert (work / 'study.csv').is_file() and (work / 'study.png').is_file()
    if osp.isfile(osp.join(SHARED, 'data/icdar2015_sample/textdet_test.json')):
        assert 'Sim to real' in md
