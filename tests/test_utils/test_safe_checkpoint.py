"""utils/safe_checkpoint.py: every path that loads a checkpoint refuses one
that would run code; weights-only loading stays on."""
import os.path as osp
import shutil
import subprocess
import sys

import pytest
import torch

from tests.helpers import REPO
from tests.helpers import PickleMarker
from tests.crash_helpers import crash_cfg, dump, env_with_repo


@pytest.mark.slow
def test_checkpoints_that_would_run_code_are_refused(tmp_path,
                                                     synthetic_root):
    """Every path that loads a checkpoint: --resume, load_from, the
    oclip_backbone of a finetune config, tools/test.py,
    tools/export_backbone.py and tools/convert_official_checkpoint.py. The
    payload would create a file; it must never appear."""
    marker = tmp_path / 'pwned'
    evil = tmp_path / 'evil.pth'
    torch.save({'state_dict': {'w': PickleMarker(marker)},
                'meta': {'iter': 1}}, evil)
    cfg = crash_cfg(tmp_path / 'work', synthetic_root, epochs=1)
    config = dump(cfg, tmp_path / 'cfg.py')
    resume_dir = tmp_path / 'resume'
    resume_dir.mkdir()
    shutil.copy(evil, resume_dir / 'epoch_1.pth')
    finetune = osp.join(
        REPO, 'configs/finetune/dbnet/dbnet_demo-oclip_synthetic.py')
    runs = {
        'resume': ['tools/train.py', config, '--resume', '--work-dir',
                   str(resume_dir)],
        'load_from': ['tools/train.py', config, '--cfg-options',
                      f'load_from={evil}'],
        'oclip_backbone': ['tools/train.py', finetune, '--work-dir',
                           str(tmp_path / 'ft'), '--cfg-options',
                           f'oclip_backbone={evil}',
                           'train_dataloader.dataset.data_root='
                           f'{tmp_path / "synth"}',
                           'train_dataloader.dataset.num_images=4',
                           'val_dataloader.dataset.data_root='
                           f'{tmp_path / "synth"}',
                           'val_dataloader.dataset.num_images=2'],
        'test': ['tools/test.py', finetune, str(evil), '--work-dir',
                 str(tmp_path / 'test'), '--cfg-options',
                 f'test_dataloader.dataset.data_root={tmp_path / "synth"}',
                 'test_dataloader.dataset.num_images=2'],
        'export': ['tools/export_backbone.py', str(evil),
                   str(tmp_path / 'bb.pth')],
        'convert': ['tools/convert_official_checkpoint.py', str(evil),
                    str(tmp_path / 'conv')],
    }
    for name, cmd in runs.items():
        proc = subprocess.run([sys.executable, *cmd], cwd=REPO,
                              capture_output=True, text=True,
                              env=env_with_repo())
        out = proc.stdout + proc.stderr
        assert proc.returncode != 0, (name, out[-2000:])
        assert 'refused' in out and 'run code' in out or \
            'needs code' in out, (name, out[-2000:])
        assert not marker.exists(), name


class _NotAllowed:
    pass


def test_weights_only_still_refuses_other_types(tmp_path):
    path = tmp_path / 'evil.pth'
    torch.save(dict(payload=_NotAllowed()), path)
    with pytest.raises(Exception, match='weights_only'):
        torch.load(path, weights_only=True)


def test_getattr_is_restricted_to_history_buffer(tmp_path):
    import pickle

    from oclip_mmocr.utils.safe_checkpoint import history_buffer_getattr
    from mmengine.logging import HistoryBuffer
    assert history_buffer_getattr(HistoryBuffer, 'mean') is \
        HistoryBuffer.__dict__['mean']
    with pytest.raises(pickle.UnpicklingError):
        history_buffer_getattr(torch.Tensor, 'tofile')
    with pytest.raises(pickle.UnpicklingError):
        history_buffer_getattr(HistoryBuffer, '__init__')
    # A pickle that uses getattr on something else is refused by torch.load.
    path = tmp_path / 'evil.pth'
    import os
    torch.save(dict(f=getattr(os, 'system')), path)
    with pytest.raises(Exception):
        torch.load(path, weights_only=True)
