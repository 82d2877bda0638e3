"""DBNet (MMOCR's head and losses, the demo's narrow CLIPResNet) learns to
detect the words of a handful of synthetic images."""
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from oclip_mmocr.datasets.synthetic import generate_synthetic_split

from tests.helpers import REPO
from tests.finetune_helpers import overfit_loaders, short_schedule

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
    pipeline = cfg.train_dataloader.dataset.pipeline
    test_pipeline = cfg.val_dataloader.dataset.pipeline
    overfit_loaders(cfg, root, pipeline, test_pipeline, batch_size=4)
    short_schedule(cfg, EPOCHS, str(tmp_path))
    runner = Runner.from_cfg(cfg)
    runner.train()
    losses = runner.message_hub.get_scalar('train/loss').data[0]
    assert len(losses) == EPOCHS
    assert losses[-10:].mean() < 0.5 * losses[:10].mean()
    metrics = runner.val_loop.run()
    assert metrics['icdar/hmean'] >= 0.8, metrics
