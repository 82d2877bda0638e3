"""TextBPN (our implementation, at demo width and stride 4) learns to detect
the words of a handful of synthetic images."""
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from oclip_mmocr.datasets.synthetic import generate_synthetic_split
from tests.helpers import REPO
from tests.finetune_helpers import overfit_loaders, short_schedule

pytestmark = pytest.mark.slow
EPOCHS = 300  # one batch of 4 images per epoch


def test_textbpn_overfits_synthetic_images(tmp_path):
    root = str(tmp_path / 'data')
    generate_synthetic_split(root, 'train', num_images=4, img_size=(256, 256),
                             seed=11, num_words=(2, 4))
    cfg = Config.fromfile(
        osp.join(REPO, 'configs/finetune/textbpn/'
                 'textbpn_r50-imagenet_660e_ctw1500.py'))
    cfg.model.backbone = dict(
        type='CLIPResNet', depth=50, base_channels=16, norm_eval=False)
    cfg.model.neck.update(
        in_channels=(64, 128, 256, 512), channels=(64, 32, 32, 32),
        out_stride=4)
    cfg.model.det_head.stride = 4
    load = cfg.train_pipeline[:2]
    # Unaugmented; resizing to the same size sets the scale factor that
    # evaluation needs.
    overfit_loaders(
        cfg, root, load + [cfg.train_pipeline[-1]],
        load + [dict(type='Resize', scale=(256, 256), keep_ratio=True),
                cfg.test_pipeline[-1]],
        batch_size=4)
    cfg.optim_wrapper.optimizer.lr = 1e-3
    short_schedule(cfg, EPOCHS, str(tmp_path))
    runner = Runner.from_cfg(cfg)
    runner.train()
    hub = runner.message_hub
    for key in ('loss_cls', 'loss_dist', 'loss_dir', 'loss_point'):
        hist = hub.get_scalar(f'train/{key}').data[0]
        assert hist[-10:].mean() < hist[:10].mean(), key
    metrics = runner.val_loop.run()
    assert metrics['icdar/hmean'] >= 0.8, metrics
