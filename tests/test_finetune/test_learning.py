"""DBNet (MMOCR's head and losses, the demo's narrow CLIPResNet) learns to
detect the words of a handful of synthetic images."""
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from oclip_mmocr.datasets.synthetic import generate_synthetic_split

from tests.conftest import REPO

pytestmark = pytest.mark.slow


EPOCHS = 300  # one batch of 4 images per epoch


def test_dbnet_overfits_synthetic_images(tmp_path):
    # Demo-sized images: at 128 px many words fall under DBNet's minimum
    # text side (8 px) and are ignored by its loss.
    root = str(tmp_path / 'data')
    generate_synthetic_split(root, 'train', num_images=4, img_size=(256, 256),
                             seed=11, num_words=(2, 4))
    cfg = Config.fromfile(
        osp.join(REPO, 'configs/finetune/dbnet/'
                 'dbnet_demo-scratch_synthetic.py'))
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg[name]
        loader.num_workers = 0
        loader.persistent_workers = False
        # The same 4 images for training and testing.
        loader.dataset = dict(
            type='OCRDataset',
            data_root=root,
            ann_file='textdet_train.json',
            test_mode=name != 'train_dataloader',
            pipeline=loader.dataset.pipeline)
    cfg.train_dataloader.batch_size = 4
    cfg.train_cfg.max_epochs = cfg.max_epochs = EPOCHS
    cfg.train_cfg.val_interval = EPOCHS
    cfg.param_scheduler = [dict(type='PolyLR', power=0.9, end=EPOCHS)]
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=EPOCHS)
    cfg.work_dir = str(tmp_path)
    runner = Runner.from_cfg(cfg)
    runner.train()
    losses = runner.message_hub.get_scalar('train/loss').data[0]
    assert len(losses) == EPOCHS
    assert losses[-10:].mean() < 0.5 * losses[:10].mean()
    metrics = runner.val_loop.run()
    assert metrics['icdar/hmean'] >= 0.8, metrics
