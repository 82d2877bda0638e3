"""The documented entry points: tools/train.py and `mim train mmocr`."""
import os.path as osp
import shutil
import subprocess
import sys

import pytest

from oclip_mmocr.utils import load_backbone_strict
from mmocr.registry import MODELS
from tests.helpers import REPO

FAST = ['train_cfg.max_epochs=1',
        'train_dataloader.dataset.num_images=16',
        'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False']


def _check_backbone(work_dir):
    backbone = MODELS.build(dict(type='CLIPResNet', base_channels=16))
    load_backbone_strict(backbone, osp.join(work_dir, 'backbone.pth'))


@pytest.mark.slow
@pytest.mark.parametrize('entry', ['tools', 'mim'])
def test_demo_config_trains_and_exports(tmp_path, entry):
    data_root = str(tmp_path / 'synthetic')
    options = FAST + [f'train_dataloader.dataset.data_root={data_root}']
    work = str(tmp_path / 'work')
    if entry == 'mim':
        mim = shutil.which('mim', path=osp.dirname(sys.executable))
        if mim is None:
            pytest.skip('openmim is not installed')
        cmd = [mim, 'train', 'mmocr']
    else:
        cmd = [sys.executable, 'tools/train.py']
    cmd += ['configs/pretrain/oclip_demo_synthetic.py', '--work-dir', work,
            '--cfg-options', *options]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert 'exported 330 backbone tensors' in proc.stdout + proc.stderr
    _check_backbone(work)
    if entry == 'mim':
        return
    # The attention figure from the trained checkpoint.
    img = osp.join(data_root, 'imgs', 'train', '000000.jpg')
    out = str(tmp_path / 'attn.png')
    proc = subprocess.run(
        [sys.executable, 'tools/visualize_attention.py',
         'configs/pretrain/oclip_demo_synthetic.py',
         osp.join(work, 'epoch_1.pth'), img, '--words', 'hello:1', 'ab:0',
         '--out', out], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'h?llo -> ' in proc.stdout and '?b -> ' in proc.stdout
    # The image's own words come from data/.../textdet_train.json: these
    # two are not among them, which the tool says.
    assert "'hello' is not among the transcriptions" in proc.stderr
    import cv2
    fig = cv2.imread(out)
    assert fig is not None and fig.shape[1] > fig.shape[0] * 2
    # A wide image, letterboxed into the model's square input: the figure
    # keeps the image's shape (each panel about twice as wide as high).
    wide = str(tmp_path / 'wide.png')
    cv2.imwrite(wide, cv2.imread(img)[64:192])
    out2 = str(tmp_path / 'attn_wide.png')
    proc = subprocess.run(
        [sys.executable, 'tools/visualize_attention.py',
         'configs/pretrain/oclip_demo_synthetic.py',
         osp.join(work, 'epoch_1.pth'), wide, '--words', 'ab:0',
         '--letterbox', '--out', out2], cwd=REPO, capture_output=True,
        text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    fig2 = cv2.imread(out2)
    assert fig2.shape[1] > 3 * fig2.shape[0]  # 2 panels, each ~2:1
    proc = subprocess.run(
        [sys.executable, 'tools/visualize_attention.py',
         'configs/pretrain/oclip_demo_synthetic.py',
         osp.join(work, 'epoch_1.pth'), img, '--words', 'hello:9'],
        cwd=REPO, capture_output=True, text=True)
    assert proc.returncode != 0 and 'outside the word' in proc.stderr
