"""AtomicCheckpointHook: a full disk names the file, a SIGKILL in the middle
of a checkpoint write leaves the previous checkpoint to resume from; the
MMEngine methods it re-states are pinned."""
import os
import os.path as osp
import signal
import subprocess
import sys
import time

import pytest
import torch
from mmengine.hooks import Hook
from mmengine.runner import Runner

from mmocr.registry import HOOKS
from oclip_mmocr.utils.atomic_io import is_temporary
from tests.helpers import REPO
from tests.crash_helpers import (PER_EPOCH, _CaptureStartHook,
                                 assert_same_optimizer, crash_cfg,
                                 dump, env_with_repo)


@pytest.mark.slow
def test_training_on_a_full_disk_names_the_file(tmp_path, synthetic_root):
    cfg = crash_cfg(tmp_path / 'work', synthetic_root, epochs=1)
    config = dump(cfg, tmp_path / 'cfg.py')
    code = (
        'import resource, runpy, signal, sys\n'
        'signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n'
        'resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))\n'
        f'sys.argv = ["train.py", {config!r}]\n'
        'runpy.run_path("tools/train.py", run_name="__main__")\n')
    proc = subprocess.run([sys.executable, '-c', code], cwd=REPO,
                          capture_output=True, text=True,
                          env=env_with_repo())
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert 'could not write' in out and 'EFBIG' in out, out[-2000:]
    leftovers = [p for p in os.listdir(tmp_path / 'work')
                 if p.endswith('.pth') or is_temporary(p)]
    assert leftovers == [], leftovers  # no partial file anywhere

@pytest.mark.slow
def test_sigkill_during_checkpoint_write_then_resume(tmp_path,
                                                     synthetic_root):
    """SIGKILL while epoch_2.pth is half written (deterministically: the
    test backend stalls there). The kill leaves epoch_1.pth and the marker
    untouched; --resume continues from epoch 1 with its exact optimiser
    state and finishes the planned 3 epochs."""
    work = tmp_path / 'work'
    cfg = crash_cfg(work, synthetic_root)
    cfg.default_hooks.checkpoint.backend_args = dict(backend='slow_atomic')
    cfg.custom_imports.imports = ['oclip_mmocr', 'tests.crash_helpers']
    config = dump(cfg, tmp_path / 'cfg.py')
    mark = tmp_path / 'writing'
    env = dict(env_with_repo(), OCLIP_TEST_SLOW_FILE='epoch_2.pth',
               OCLIP_TEST_SLOW_MARK=str(mark))
    proc = subprocess.Popen([sys.executable, 'tools/train.py', config],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while not mark.exists() and proc.poll() is None and \
            time.time() < deadline:
        time.sleep(0.2)
    assert mark.exists(), 'the run never reached the second checkpoint'
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    names = sorted(os.listdir(work))
    assert 'epoch_1.pth' in names and 'epoch_2.pth' not in names
    assert any(is_temporary(n) for n in names)  # the half-written file
    assert (work / 'last_checkpoint').read_text().endswith('epoch_1.pth')
    saved = torch.load(work / 'epoch_1.pth', weights_only=True)

    cfg = crash_cfg(work, synthetic_root)
    cfg.resume = True
    cfg.custom_hooks.append(dict(type='_CaptureStartHook'))
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert _CaptureStartHook.seen['iter'] == PER_EPOCH  # lost epoch 2 only
    assert_same_optimizer(_CaptureStartHook.seen['optim'],
                          saved['optimizer'])
    assert runner.iter == 3 * PER_EPOCH
    names = sorted(os.listdir(work))
    assert not any(is_temporary(n) for n in names)
    assert {'epoch_1.pth', 'epoch_2.pth', 'epoch_3.pth'} <= set(names)


#: MMEngine 0.10.7's CheckpointHook methods that AtomicCheckpointHook
#: re-states (_save_checkpoint_with_step) or wraps with rotation switched
#: off (before_train), by the SHA-256 of their source.
PINNED = {
    '_save_checkpoint_with_step':
    'bc63e63d5989501892e26bc54e263686457d3117d847a2ec15a4c356b0d45348',
    'before_train':
    'a398bad3a07a449656b1c3c3679e485018b3d12feeecf61e9ddf0a160c108189',
}


def _method_source(cls, name):
    import ast
    import inspect
    import textwrap
    src = inspect.getsource(inspect.getmodule(cls))
    tree = ast.parse(src)
    lines = src.splitlines()
    node = next(n for n in ast.walk(tree)
                if isinstance(n, ast.ClassDef) and n.name == cls.__name__)
    fn = next(f for f in node.body
              if isinstance(f, ast.FunctionDef) and f.name == name)
    return textwrap.dedent('\n'.join(lines[fn.lineno - 1:fn.end_lineno]))


@pytest.mark.parametrize('name', sorted(PINNED))
def test_the_mmengine_methods_it_restates_are_unchanged(name):
    """Fails when MMEngine's CheckpointHook changes a method our hook copies
    or wraps: re-read it, carry the change over, then update the digest."""
    import hashlib

    from mmengine.hooks import CheckpointHook
    digest = hashlib.sha256(
        _method_source(CheckpointHook, name).encode()).hexdigest()
    assert digest == PINNED[name], (
        f"MMEngine's CheckpointHook.{name} changed; AtomicCheckpointHook "
        're-states it: compare, update the hook, then this digest')


@HOOKS.register_module(force=True)
class _FolderCheckpointHook(Hook):
    """Turns epoch_1.pth into a folder, as DeepSpeed saves checkpoints,
    right after the checkpoint hook wrote it."""
    priority = 'LOWEST'

    def after_train_epoch(self, runner):
        path = osp.join(runner.work_dir, 'epoch_1.pth')
        if runner.epoch == 1 and osp.isfile(path):
            os.remove(path)
            os.makedirs(path)
            with open(osp.join(path, 'mp_rank_00_model_states.pt'),
                      'wb') as f:
                f.write(b'x')


def test_rotation_removes_files_and_deepspeed_folders(tmp_path,
                                                      synthetic_root):
    """The rotation after a save removes the dropped checkpoint whether it
    is a file or a folder (DeepSpeed saves folders), as MMEngine's does."""
    cfg = crash_cfg(tmp_path / 'work', synthetic_root, epochs=3)
    cfg.default_hooks.checkpoint.max_keep_ckpts = 1
    cfg.custom_hooks.append(dict(type='_FolderCheckpointHook'))
    Runner.from_cfg(cfg).train()
    work = tmp_path / 'work'
    assert sorted(p.name for p in work.glob('epoch_*.pth')) == [
        'epoch_3.pth']
