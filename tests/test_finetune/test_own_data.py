"""Your own data in one step: the demo DBNet configs train and evaluate on
any MMOCR textdet JSON given with --cfg-options alone (here the real
ICDAR2015 sample), as the README shows; the oCLIP twin with a randomly
initialised trunk (`oclip_backbone=none`) needs no file and no network."""
import os.path as osp
import re
import subprocess
import sys

import pytest

from tests.helpers import REPO, needs_shared, shared_path

SAMPLE = shared_path('data', 'icdar2015_sample')
pytestmark = [
    pytest.mark.slow,
    needs_shared('data', 'icdar2015_sample', 'textdet_test.json'),
]


@pytest.mark.parametrize('twin', ['scratch', 'oclip'])
def test_demo_config_on_own_data(twin, tmp_path):
    config = f'configs/finetune/dbnet/dbnet_demo-{twin}_synthetic.py'
    options = [
        f'train_dataloader.dataset.data_root={SAMPLE}',
        'train_dataloader.dataset.ann_file=textdet_test.json',
        f'val_dataloader.dataset.data_root={SAMPLE}',
        'val_dataloader.dataset.ann_file=textdet_test.json',
        'train_cfg.max_epochs=1', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        'val_dataloader.num_workers=0',
        'val_dataloader.persistent_workers=False', 'img_size=320'
    ]
    if twin == 'oclip':
        options.append('oclip_backbone=none')
    proc = subprocess.run(
        [sys.executable, 'tools/train.py', config, '--work-dir',
         str(tmp_path / 'work'), '--cfg-options', *options],
        cwd=REPO, capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    # Read the sample (10 real images), not generated data; evaluated.
    assert 'data check: polygons and image files of 20 images OK' in out
    assert re.search(r'icdar/hmean: [0-9.]+', out), out[-2000:]
    assert 'generating' not in out  # no synthetic split was made
    # img_size reached both pipelines (parsed with the option).
    dumped = open(tmp_path / 'work' / osp.basename(config)).read()
    assert dumped.count('scale=(\n        320,') + dumped.count(
        'scale=(320, 320)') >= 2, dumped
    assert 'scale=(256' not in dumped and 'size=(256' not in dumped
    if twin == 'oclip':
        assert 'oclip_backbone=none: the trunk is randomly initialised' \
            in out
