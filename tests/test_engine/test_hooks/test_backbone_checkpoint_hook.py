"""BackboneCheckpointHook and the backbone variables: `oclip_backbone`
reaches the backbone's init (at parse time through our tools, so the dumped
config names it; in before_run otherwise, logged at INFO), `none` leaves a
random trunk for either twin, a missing file or an impossible download fails
in one clear line, a full checkpoint skips the file."""
import argparse
import logging
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.runner import Runner

from mmocr.registry import MODELS
from oclip_mmocr.utils.cli import add_runner_args, load_runner_config
from tests.helpers import REPO

CONFIG = osp.join(REPO, 'configs/finetune/dbnet/dbnet_demo-oclip_synthetic.py')
R50 = osp.join(REPO, 'configs/finetune/dbnet/dbnet_r50-imagenet_1200e_'
               'icdar2015.py')


@pytest.fixture(autouse=True)
def _no_exported_variables(monkeypatch):
    for var in ('OCLIP_OCLIP_BACKBONE', 'OCLIP_IMAGENET_BACKBONE'):
        monkeypatch.delenv(var, raising=False)


def _runner(tmp_path, config=CONFIG, **cfg_options) -> Runner:
    cfg = Config.fromfile(config)
    cfg.merge_from_dict(cfg_options)
    cfg.work_dir = str(tmp_path / 'work')
    return Runner.from_cfg(cfg)


def _hook(runner):
    return next(h for h in runner.hooks
                if type(h).__name__ == 'BackboneCheckpointHook')


def _records(fn):
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    MMLogger.get_current_instance().addHandler(handler)
    try:
        fn()
    finally:
        MMLogger.get_current_instance().removeHandler(handler)
    return records


@pytest.fixture
def backbone_file(tmp_path):
    trunk = MODELS.build(dict(type='CLIPResNet', depth=50, base_channels=16))
    path = tmp_path / 'backbone.pth'
    torch.save(trunk.state_dict(), path)
    return str(path), trunk.state_dict()


def test_variable_reaches_the_init(tmp_path, backbone_file):
    """MMOCR's own train.py merges --cfg-options after parsing: the hook
    carries the value in, at INFO level (it is what the user asked)."""
    path, state = backbone_file
    runner = _runner(tmp_path, oclip_backbone=path)
    assert runner.model.backbone.init_cfg['checkpoint'] == \
        'work_dirs/demo/pretrain/backbone.pth'
    records = _records(lambda: _hook(runner).before_run(runner))
    assert runner.model.backbone.init_cfg['checkpoint'] == path
    mine = [r for r in records if 'oclip_backbone=' in r.getMessage()]
    assert mine and all(r.levelno == logging.INFO for r in mine)
    runner.model.init_weights()
    for k, v in state.items():
        assert torch.equal(runner.model.backbone.state_dict()[k], v), k


def test_our_tools_put_the_backbone_in_the_dumped_config(backbone_file,
                                                          monkeypatch):
    path, _ = backbone_file
    parser = argparse.ArgumentParser()
    parser.add_argument('config')
    add_runner_args(parser)
    args = parser.parse_args([CONFIG, '--cfg-options',
                              f'oclip_backbone={path}'])
    cfg = load_runner_config(args.config, args)
    assert cfg.model.backbone.init_cfg['checkpoint'] == path
    assert path in cfg.pretty_text  # what the work dir's config dump shows


def test_missing_file_fails_early_with_its_name(tmp_path):
    runner = _runner(tmp_path, oclip_backbone='nowhere/backbone.pth')
    with pytest.raises(FileNotFoundError,
                       match='backbone file not found: oclip_backbone='
                       'nowhere/backbone.pth.*oclip_backbone=none'):
        _hook(runner).before_run(runner)


@pytest.mark.parametrize('config', [CONFIG, R50])
def test_none_leaves_a_random_trunk(tmp_path, config):
    key = 'oclip_backbone' if config == CONFIG else 'imagenet_backbone'
    runner = _runner(tmp_path, config, **{key: 'none'})
    _hook(runner).before_run(runner)
    assert runner.model.backbone.init_cfg is None
    runner.model.init_weights()  # no file, no download


def test_offline_download_fails_in_one_line(tmp_path, monkeypatch):
    """The ImageNet twin offline: one line naming the URL, where to put the
    file and the `none` knob (not a 600-line log ending in URLError)."""
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch'))
    runner = _runner(tmp_path, R50,
                     imagenet_backbone='http://127.0.0.1:9/resnet50.pth')
    with pytest.raises(RuntimeError) as e:
        _hook(runner).before_run(runner)
    msg = str(e.value)
    assert '\n' not in msg
    assert 'could not download imagenet_backbone=http://127.0.0.1:9/' in msg
    assert str(tmp_path / 'torch') in msg and 'imagenet_backbone=none' in msg


def test_full_checkpoint_needs_no_backbone_file(tmp_path):
    runner = _runner(tmp_path, oclip_backbone='nowhere/backbone.pth',
                     load_from=str(tmp_path / 'model.pth'))
    _hook(runner).before_run(runner)
    assert runner.model.backbone.init_cfg is None


def test_baseline_is_left_alone(tmp_path):
    cfg = Config.fromfile(CONFIG.replace('-oclip_', '-scratch_'))
    cfg.work_dir = str(tmp_path)
    runner = Runner.from_cfg(cfg)
    before = runner.model.backbone.init_cfg  # the trunk's own default init
    _hook(runner).before_run(runner)
    assert runner.model.backbone.init_cfg == before
    assert 'Pretrained' not in str(before)
