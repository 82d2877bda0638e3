"""BackboneCheckpointHook: `oclip_backbone` reaches the backbone's init,
a missing file fails early and names itself, a full checkpoint skips it."""
import logging
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.runner import Runner

from mmocr.registry import MODELS
from tests.conftest import REPO

CONFIG = osp.join(REPO, 'configs/finetune/dbnet/dbnet_demo-oclip_synthetic.py')


def _runner(tmp_path, **cfg_options) -> Runner:
    cfg = Config.fromfile(CONFIG)
    cfg.merge_from_dict(cfg_options)
    cfg.work_dir = str(tmp_path / 'work')
    return Runner.from_cfg(cfg)


def _hook(runner):
    return next(h for h in runner.hooks
                if type(h).__name__ == 'BackboneCheckpointHook')


@pytest.fixture
def backbone_file(tmp_path):
    trunk = MODELS.build(dict(type='CLIPResNet', depth=50, base_channels=16))
    path = tmp_path / 'backbone.pth'
    torch.save(trunk.state_dict(), path)
    return str(path), trunk.state_dict()


def test_variable_reaches_the_init(tmp_path, backbone_file):
    path, state = backbone_file
    runner = _runner(tmp_path, oclip_backbone=path)
    # Parsed before the override: still the default here ...
    assert runner.model.backbone.init_cfg['checkpoint'] == \
        'work_dirs/demo/pretrain/backbone.pth'
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    MMLogger.get_current_instance().addHandler(handler)
    try:
        _hook(runner).before_run(runner)
    finally:
        MMLogger.get_current_instance().removeHandler(handler)
    # ... and the hook carries the override in, saying so.
    assert runner.model.backbone.init_cfg['checkpoint'] == path
    assert any('replaced by oclip_backbone=' in r.getMessage()
               for r in records)
    runner.model.init_weights()
    for k, v in state.items():
        assert torch.equal(runner.model.backbone.state_dict()[k], v), k


def test_missing_file_fails_early_with_its_name(tmp_path):
    runner = _runner(tmp_path, oclip_backbone='nowhere/backbone.pth')
    with pytest.raises(FileNotFoundError,
                       match='oCLIP backbone file not found: '
                       'nowhere/backbone.pth.*--cfg-options oclip_backbone'):
        _hook(runner).before_run(runner)


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
    assert 'StrictPretrained' not in str(before)
