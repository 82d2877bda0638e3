"""Crash-safe training: atomic checkpoints under SIGKILL and a full disk,
resume that picks the newest checkpoint that loads, divergence stops the
run without a NaN checkpoint, mid-epoch resume without replay, a dead rank
ends the others, and checkpoints that would run code are refused on every
path that loads one."""
import copy
import glob
import itertools
import json
import os
import os.path as osp
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

from mmocr.registry import HOOKS
from oclip_mmocr.engine.hooks import (DivergenceError, NonFiniteLossHook,
                                      choose_checkpoint)
from oclip_mmocr.utils.atomic_io import atomic_save, is_temporary
from oclip_mmocr.utils.checkpoint_check import (NonFiniteTensorError,
                                                check_finite)
from tests.conftest import REPO, tiny_model_cfg
from tests.helpers import PickleMarker, pipeline

PER_EPOCH = 2  # 8 synthetic images, batch 4
_RUNS = itertools.count()


def crash_cfg(work_dir, data_root, epochs=3, batch=4, iter_interval=None):
    """The pretraining runtime (every crash-safety hook as configured) on a
    tiny model and the 8-image synthetic set."""
    cfg = Config.fromfile(
        osp.join(REPO, 'configs/pretrain/_base_/default_runtime.py'))
    cfg.merge_from_dict(dict(
        work_dir=str(work_dir),
        model=tiny_model_cfg(64),
        train_dataloader=dict(
            batch_size=batch, num_workers=0,
            sampler=dict(type='ResumableSampler', shuffle=True),
            dataset=dict(type='OCLIPDataset', data_root=data_root,
                         ann_file='textdet_train.json',
                         pipeline=pipeline(64))),
        train_cfg=dict(type='ResumableEpochBasedTrainLoop',
                       max_epochs=epochs),
        optim_wrapper=dict(type='OptimWrapper',
                           optimizer=dict(type='AdamW', lr=1e-3)),
        param_scheduler=[dict(type='LinearLR', start_factor=0.1,
                              by_epoch=False, begin=0, end=4)],
        default_hooks=dict(logger=dict(interval=1)),
        randomness=dict(seed=0),
        # Unique: MMEngine hands a runner built in the same second under
        # the same name the previous runner's MessageHub (keep lists and
        # all).
        experiment_name=f'crash_{next(_RUNS)}_{os.getpid()}'))
    iter_hook = cfg.custom_hooks[-1]
    assert iter_hook.type == 'AtomicCheckpointHook' and not iter_hook.by_epoch
    iter_hook.interval = iter_interval or 10**6
    return cfg


def dump(cfg, path):
    cfg.dump(str(path))
    return str(path)


@HOOKS.register_module(force=True)
class _CaptureStartHook(Hook):
    """Records where training starts and the optimiser state it starts
    with (right after MMEngine resumed)."""
    seen = {}

    def before_train(self, runner):
        _CaptureStartHook.seen = dict(
            iter=runner.iter,
            optim=copy.deepcopy(runner.optim_wrapper.state_dict()))


def assert_same_optimizer(state, saved):
    assert state['param_groups'][0]['lr'] == pytest.approx(
        saved['param_groups'][0]['lr'])
    assert set(state['state']) == set(saved['state'])
    for pid, s in saved['state'].items():
        for key in ('exp_avg', 'exp_avg_sq', 'step'):
            assert torch.equal(torch.as_tensor(state['state'][pid][key]),
                               torch.as_tensor(s[key])), (pid, key)


def env_with_repo():
    return dict(os.environ, PYTHONPATH=REPO, PYTHONWARNINGS='ignore')


@pytest.fixture(scope='module')
def trained_dir(tmp_path_factory, synthetic_root):
    """A finished 3-epoch run: epoch_1..3.pth, last_checkpoint, backbone."""
    work = tmp_path_factory.mktemp('trained')
    Runner.from_cfg(crash_cfg(work, synthetic_root)).train()
    return work


def copy_run(src, dst):
    """A copy of a run directory, its marker naming the copy's file."""
    shutil.copytree(src, dst)
    marker = dst / 'last_checkpoint'
    marker.write_text(str(dst / osp.basename(marker.read_text())))
    return dst


# -------------------------------------------------------------- atomic IO
def test_atomic_write_on_a_full_disk_leaves_the_old_file(tmp_path):
    """A write that the file system refuses (here: a 64 KiB file-size limit,
    standing in for a full disk) raises naming the file and the errno and
    leaves the previous file intact and no temporary file."""
    target = tmp_path / 'backbone.pth'
    atomic_save({'x': torch.zeros(4)}, target)
    before = target.read_bytes()
    code = (
        'import resource, signal, sys, torch\n'
        'signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n'
        'resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 16, 1 << 16))\n'
        'from oclip_mmocr.utils.atomic_io import atomic_save\n'
        'try:\n'
        f'    atomic_save({{"x": torch.zeros(1 << 20)}}, {str(target)!r})\n'
        'except OSError as e:\n'
        '    print("ERR", e); sys.exit(3)\n')
    proc = subprocess.run([sys.executable, '-c', code], cwd=REPO,
                          capture_output=True, text=True)
    assert proc.returncode == 3, proc.stderr
    assert str(target) in proc.stdout and 'EFBIG' in proc.stdout
    assert 'nothing was left behind' in proc.stdout
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ['backbone.pth']


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


# ------------------------------------------------- kill during a checkpoint
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


# ------------------------------------------------------ choosing on resume
@pytest.mark.slow
@pytest.mark.parametrize('case', ['zero_byte', 'truncated', 'empty_marker',
                                  'no_marker', 'stale_marker'])
def test_resume_picks_the_newest_loadable_checkpoint(case, trained_dir,
                                                     tmp_path):
    work = copy_run(trained_dir, tmp_path / 'work')
    latest = work / 'epoch_3.pth'
    expected = latest
    if case == 'zero_byte':
        latest.write_bytes(b'')
        expected = work / 'epoch_2.pth'
    elif case == 'truncated':
        data = latest.read_bytes()
        latest.write_bytes(data[:len(data) // 2])
        expected = work / 'epoch_2.pth'
    elif case == 'empty_marker':
        (work / 'last_checkpoint').write_text('')
    elif case == 'no_marker':
        (work / 'last_checkpoint').unlink()
    else:
        (work / 'last_checkpoint').write_text(str(work / 'epoch_9.pth'))
    chosen, notes = choose_checkpoint(str(work))
    assert chosen == str(expected), notes
    if case in ('zero_byte', 'truncated'):
        assert (work / 'epoch_3.pth.corrupt').is_file()  # kept, aside
        assert any('epoch_3.pth' in n and 'moved aside' in n for n in notes)
    # Nothing good was deleted.
    assert (work / 'epoch_1.pth').is_file() and (work / 'epoch_2.pth').is_file()


@pytest.mark.slow
def test_resume_over_a_broken_latest_checkpoint_trains_on(trained_dir,
                                                          tmp_path,
                                                          synthetic_root):
    """End to end through the runner: a zero-byte latest checkpoint and no
    marker. MMEngine alone would start from iteration 0 (and rotate the good
    files away); here training continues from epoch 2 and deletes
    nothing."""
    work = copy_run(trained_dir, tmp_path / 'work')
    (work / 'epoch_3.pth').write_bytes(b'')
    (work / 'last_checkpoint').unlink()
    cfg = crash_cfg(work, synthetic_root, epochs=4)
    cfg.resume = True
    cfg.custom_hooks.append(dict(type='_CaptureStartHook'))
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert _CaptureStartHook.seen['iter'] == 2 * PER_EPOCH
    assert runner.iter == 4 * PER_EPOCH
    assert (work / 'epoch_3.pth.corrupt').is_file()
    for e in (2, 3, 4):  # keep-last-3, counted across the resume
        assert (work / f'epoch_{e}.pth').is_file()
    assert not (work / 'epoch_1.pth').is_file()  # rotation still works


def test_resume_without_any_loadable_checkpoint_fails_clearly(tmp_path):
    work = tmp_path / 'work'
    work.mkdir()
    (work / 'epoch_1.pth').write_bytes(b'')
    (work / 'epoch_2.pth').write_bytes(b'PK\x03\x04 truncated')
    with pytest.raises(RuntimeError, match='none of the 2 checkpoints'):
        choose_checkpoint(str(work))
    assert sorted(os.listdir(work)) == ['epoch_1.pth.corrupt',
                                        'epoch_2.pth.corrupt']
    empty = tmp_path / 'empty'
    empty.mkdir()
    assert choose_checkpoint(str(empty))[0] is None


# ------------------------------------------------------------- divergence
@pytest.mark.slow
def test_nan_stops_the_run_without_a_nan_checkpoint(tmp_path,
                                                    synthetic_root):
    work = tmp_path / 'work'
    cfg = crash_cfg(work, synthetic_root, epochs=3, iter_interval=1)
    cfg.custom_imports.imports = ['oclip_mmocr', 'tests.crash_helpers']
    import tests.crash_helpers  # noqa: F401  registers PoisonWeightsHook
    cfg.custom_hooks.append(dict(type='PoisonWeightsHook', at=3))
    runner = Runner.from_cfg(cfg)
    with pytest.raises(DivergenceError) as e:
        runner.train()
    msg = str(e.value)
    assert 'iteration 3 ' in msg and 'loss_char=nan' in msg
    assert 'non-finite weights' in msg
    assert sorted(glob.glob(str(work / 'iter_*.pth'))) == [
        str(work / 'iter_1.pth'), str(work / 'iter_2.pth')]
    for path in (work / 'iter_2.pth', work / 'epoch_1.pth'):
        state = torch.load(path, weights_only=True)['state_dict']
        check_finite(state.items(), str(path))
    check_finite(torch.load(work / 'backbone.pth').items(), 'backbone')

    # Without the guard, the checkpoint hook itself refuses NaN weights.
    work2 = tmp_path / 'work2'
    cfg = crash_cfg(work2, synthetic_root, epochs=3, iter_interval=1)
    cfg.custom_hooks = [h for h in cfg.custom_hooks
                        if h['type'] != 'NonFiniteLossHook']
    cfg.custom_hooks.append(dict(type='PoisonWeightsHook', at=3))
    with pytest.raises(RuntimeError, match='refusing to save a checkpoint '
                       'at iteration 3: non-finite values'):
        Runner.from_cfg(cfg).train()


def test_divergence_guard_tolerates_skipped_amp_steps(tmp_path,
                                                      synthetic_root):
    """``max_skips``: non-finite losses with finite weights (what fp16 AMP's
    loss scaler produces) are tolerated that many times in a row."""
    runner = Runner.from_cfg(crash_cfg(tmp_path, synthetic_root))
    hook = NonFiniteLossHook(max_skips=1)
    nan = dict(loss=torch.tensor(float('nan')), loss_char=torch.tensor(1.))
    ok = dict(loss=torch.tensor(2.), loss_char=torch.tensor(1.))
    hook.after_train_iter(runner, 0, outputs=nan)  # tolerated
    hook.after_train_iter(runner, 1, outputs=ok)  # resets the count
    hook.after_train_iter(runner, 2, outputs=nan)
    with pytest.raises(DivergenceError, match='loss=nan, loss_char=1'):
        hook.after_train_iter(runner, 3, outputs=nan)


def test_nan_backbone_is_refused_by_the_loader_and_the_tools(tmp_path):
    from mmocr.registry import MODELS
    from oclip_mmocr.utils import load_backbone_strict
    backbone = MODELS.build(dict(type='CLIPResNet', base_channels=8,
                                 out_indices=(3, )))
    state = backbone.state_dict()
    state['layer2.0.conv1.weight'][0, 0, 0, 0] = float('inf')
    path = tmp_path / 'backbone.pth'
    torch.save(state, path)
    with pytest.raises(NonFiniteTensorError, match='layer2.0.conv1.weight'):
        load_backbone_strict(backbone, str(path))
    proc = subprocess.run(
        [sys.executable, 'tools/export_backbone.py', '--verify-only',
         str(path)], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 1 and 'layer2.0.conv1.weight' in proc.stderr


# ----------------------------------------------------- mid-epoch resume
@pytest.mark.slow
def test_mid_epoch_checkpoint_resumes_with_the_next_batch(tmp_path,
                                                          synthetic_root):
    """4 batches per epoch, iteration checkpoints every 3: resuming from
    iter_3.pth (inside epoch 1) trains iterations 4..8 on exactly the
    batches the uninterrupted run used, and stops at 8."""
    import tests.crash_helpers  # noqa: F401  registers RecordBatchesHook
    full = tmp_path / 'full'
    cfg = crash_cfg(full, synthetic_root, epochs=2, batch=2, iter_interval=3)
    cfg.custom_hooks.append(dict(type='RecordBatchesHook'))
    Runner.from_cfg(cfg).train()
    ref = [json.loads(line) for line in open(full / 'batches.jsonl')]
    assert [r['iter'] for r in ref] == list(range(1, 9))

    part = tmp_path / 'part'
    part.mkdir()
    shutil.copy(full / 'iter_3.pth', part / 'iter_3.pth')
    cfg = crash_cfg(part, synthetic_root, epochs=2, batch=2, iter_interval=3)
    cfg.custom_hooks.append(dict(type='RecordBatchesHook'))
    cfg.resume = True
    runner = Runner.from_cfg(cfg)
    runner.train()
    got = [json.loads(line) for line in open(part / 'batches.jsonl')]
    assert runner.iter == 8
    assert [r['iter'] for r in got] == list(range(4, 9))
    assert [r['batch'] for r in got] == [r['batch'] for r in ref[3:]]
    assert got[0]['idx'] == 3  # the 4th batch of the epoch


# --------------------------------------------------------- dead rank
def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_surviving_rank_exits_when_a_rank_dies(tmp_path, synthetic_root):
    """Two gloo processes on the CPU; rank 1 is SIGKILLed mid-training. Rank
    0 must stop within the process-group timeout of the config (20 s here),
    not hang until a cluster's wall-clock limit."""
    timeout = 20
    cfg = crash_cfg(tmp_path / 'work', synthetic_root, epochs=1000, batch=2)
    cfg.env_cfg.dist_cfg = dict(backend='gloo', timeout=timeout)
    cfg.model_wrapper_cfg = dict(type='MMDistributedDataParallel',
                                 device_ids=None)
    config = dump(cfg, tmp_path / 'cfg.py')
    port = _free_port()
    procs = []
    for rank in (0, 1):
        env = dict(env_with_repo(), RANK=str(rank), LOCAL_RANK=str(rank),
                   WORLD_SIZE='2', MASTER_ADDR='127.0.0.1',
                   MASTER_PORT=str(port), OMP_NUM_THREADS='1')
        log = open(tmp_path / f'rank{rank}.log', 'w')
        procs.append(subprocess.Popen(
            [sys.executable, 'tools/train.py', config, '--launcher',
             'pytorch'], cwd=REPO, env=env, stdout=log,
            stderr=subprocess.STDOUT))
    deadline = time.time() + 240
    while time.time() < deadline:
        if 'Epoch(train)' in (tmp_path / 'rank0.log').read_text():
            break
        assert procs[0].poll() is None, (tmp_path / 'rank0.log').read_text()
        time.sleep(0.5)
    else:
        pytest.fail('the 2-process run never started training')
    procs[1].send_signal(signal.SIGKILL)
    killed = time.time()
    try:
        procs[0].wait(timeout=timeout + 40)
    except subprocess.TimeoutExpired:
        procs[0].kill()
        pytest.fail(f'rank 0 still running {timeout + 40} s after rank 1 '
                    'died')
    waited = time.time() - killed
    assert procs[0].returncode != 0
    assert waited < timeout + 40, waited


# ----------------------------------------------- code-running checkpoints
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
