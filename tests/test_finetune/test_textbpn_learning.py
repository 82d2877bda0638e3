"""TextBPN (our implementation, at demo width and stride 4) learns to detect
the words of a handful of synthetic images."""
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from oclip_mmocr.datasets.synthetic import generate_synthetic_split
from tests.conftest import REPO

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
    pipelines = dict(
        train_dataloader=load + [cfg.train_pipeline[-1]],
        # Resize to the same size: sets the scale factor evaluation needs.
        val_dataloader=load + [
            dict(type='Resize', scale=(256, 256), keep_ratio=True),
            cfg.test_pipeline[-1]
        ])
    pipelines['test_dataloader'] = pipelines['val_dataloader']
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg[name]
        loader.num_workers = 0
        loader.persistent_workers = False
        # The same 4 images, unaugmented, for training and testing.
        loader.dataset = dict(
            type='OCRDataset',
            data_root=root,
            ann_file='textdet_train.json',
            test_mode=name != 'train_dataloader',
            pipeline=pipelines[name])
    cfg.train_dataloader.batch_size = 4
    cfg.train_cfg.max_epochs = EPOCHS
    cfg.train_cfg.val_interval = EPOCHS
    cfg.optim_wrapper.optimizer.lr = 1e-3
    cfg.param_scheduler = [dict(type='PolyLR', power=0.9, end=EPOCHS)]
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=EPOCHS)
    cfg.randomness = dict(seed=0)
    cfg.work_dir = str(tmp_path)
    runner = Runner.from_cfg(cfg)
    runner.train()
    hub = runner.message_hub
    for key in ('loss_cls', 'loss_dist', 'loss_dir', 'loss_point'):
        hist = hub.get_scalar(f'train/{key}').data[0]
        assert hist[-10:].mean() < hist[:10].mean(), key
    metrics = runner.val_loop.run()
    assert metrics['icdar/hmean'] >= 0.8, metrics
