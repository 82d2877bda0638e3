"""Each detector, from an exported oCLIP backbone, trains one iteration and
evaluates on the real ICDAR2015 sample (../shared) at a quarter of its
configured resolution."""
import logging
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.logging import MMLogger
from mmengine.runner import Runner

from mmocr.registry import MODELS
from oclip_mmocr.utils import extract_backbone
from tests.helpers import REPO, needs_shared, shared_path
from tests.finetune_helpers import small_loaders

SAMPLE = shared_path('data', 'icdar2015_sample')
CONFIGS = [
    'dbnet/dbnet_r50-oclip_1200e_icdar2015.py',
    'psenet/psenet_r50-oclip_fpnf_600e_icdar2015.py',
    'fcenet/fcenet_r50-oclip_fpn_1500e_icdar2015.py',
    'textbpn/textbpn_r50-oclip_660e_icdar2015.py',
    # The sample has polygons but no transcriptions: the spotter's detection
    # path only (no recognition target, E2E recall 0).
    'mts/mts_r50-oclip_300e_icdar2015.py',
]

pytestmark = [
    pytest.mark.slow,
    needs_shared('data', 'icdar2015_sample', 'textdet_test.json'),
]


@pytest.fixture(scope='module')
def backbone_file(tmp_path_factory):
    init_default_scope('mmocr')
    model = MODELS.build(
        Config.fromfile(osp.join(
            REPO, 'configs/pretrain/oclip_r50_synthtext.py')).model)
    path = tmp_path_factory.mktemp('bb') / 'backbone.pth'
    torch.save(extract_backbone(model.state_dict()), path)
    return str(path)


class _Collect(logging.Handler):

    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.mark.parametrize('name', CONFIGS, ids=lambda n: n.split('/')[0])
def test_one_iteration_and_evaluation(name, backbone_file, tmp_path):
    cfg = Config.fromfile(osp.join(REPO, 'configs/finetune', name))
    # The sample is ICDAR2015's test layout (no train file): 2 of its images
    # train one iteration, all 10 are evaluated.
    small_loaders(cfg, SAMPLE, 'textdet_test.json', 'textdet_test.json')
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        for t in cfg[loader].dataset.pipeline:
            if t.get('with_text'):
                t.with_text = False
    if 'mts' in name:
        # An untrained SPN proposes noise: cap it to keep the test short.
        cfg.model.det_head.postprocessor.max_proposals = 8
    cfg.train_cfg.max_epochs = 1
    cfg.train_cfg.val_interval = 1
    cfg.param_scheduler = None
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=1)
    cfg.default_hooks.logger = dict(type='LoggerHook', interval=1)
    cfg.work_dir = str(tmp_path)
    # Through the documented knob: the hook carries it into init_cfg.
    cfg.oclip_backbone = backbone_file
    runner = Runner.from_cfg(cfg)
    handler = _Collect()
    MMLogger.get_current_instance().addHandler(handler)
    try:
        runner.train()
    finally:
        MMLogger.get_current_instance().removeHandler(handler)
    assert runner.iter == 1
    log = '\n'.join(handler.lines)
    assert f'loaded every key of {backbone_file} strictly' in log
    assert runner.model.backbone.init_cfg['checkpoint'] == backbone_file
    # Training losses were finite and the evaluation produced the metric.
    losses = [v for k, v in runner.message_hub.log_scalars.items()
              if k.startswith('train/loss')]
    assert losses and all(torch.isfinite(torch.tensor(
        h.current())) for h in losses)
    hmean = runner.message_hub.get_scalar('val/icdar/hmean').current()
    if 'mts' in name:
        assert runner.message_hub.get_scalar(
            'val/e2e/det_hmean').current() == hmean
    assert 0.0 <= hmean <= 1.0
    assert osp.isfile(osp.join(str(tmp_path), 'epoch_1.pth'))
