"""The spotter (demo width) learns to find and read the words of a handful
of synthetic images: end-to-end hmean on those images."""
import os.path as osp

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from oclip_mmocr.datasets.synthetic import generate_synthetic_split
from tests.helpers import REPO
from tests.finetune_helpers import (narrow_spotter, overfit_loaders,
                                    short_schedule)

pytestmark = pytest.mark.slow
EPOCHS = 300  # one batch of 4 images per epoch
C = 64


def test_spotter_learns_synthetic_words(tmp_path):
    root = str(tmp_path / 'data')
    generate_synthetic_split(root, 'train', num_images=4, img_size=(256, 256),
                             seed=11, num_words=(2, 3))
    cfg = Config.fromfile(
        osp.join(REPO, 'configs/finetune/mts/mts_r50-imagenet_300e_'
                 'totaltext.py'))
    cfg.model.backbone = dict(
        type='CLIPResNet', depth=50, base_channels=16, norm_eval=False)
    narrow_spotter(cfg, C, [64, 128, 256, 512])
    load = cfg.load
    overfit_loaders(
        cfg, root, load + [cfg.train_pipeline[-1]],
        load[:1] + [dict(type='Resize', scale=(256, 256), keep_ratio=True)] +
        load[1:] + [cfg.test_pipeline[-1]],
        batch_size=4)
    cfg.optim_wrapper = dict(
        type='OptimWrapper', optimizer=dict(type='Adam', lr=2e-3))
    short_schedule(cfg, EPOCHS, str(tmp_path))
    runner = Runner.from_cfg(cfg)
    runner.train()
    hub = runner.message_hub
    for key in ('loss_spn', 'loss_score', 'loss_mask', 'loss_rec'):
        hist = hub.get_scalar(f'train/{key}').data[0]
        assert hist[-10:].mean() < 0.2 * hist[:10].mean(), key
    # Box offsets exist once the SPN proposes (the ground truth, also a
    # proposal, has none): they peak early and are learnt down.
    hist = hub.get_scalar('train/loss_box').data[0]
    windows = np.convolve(hist, np.ones(10) / 10, mode='valid')
    assert windows.max() > 0 and hist[-10:].mean() < 0.6 * windows.max()
    metrics = runner.val_loop.run()
    assert metrics['e2e/e2e_hmean'] >= 0.7, metrics
    # The default Total-Text evaluators: official end to end (submission
    # geometry), word spotting, and detection both ways, each under its own
    # prefix.
    assert metrics['e2e/det_hmean'] >= metrics['e2e/e2e_hmean']
    for key in ('spot/e2e_hmean', 'icdar/hmean', 'deteval/hmean'):
        assert 0 <= metrics[key] <= 1, (key, metrics)
