"""Test-only components for the crash-safety tests (checkpoint, resume and
divergence hooks, the resumable loop, the CPU launcher): the pretraining
runtime on a tiny model (:func:`crash_cfg`) and what training runs import
through ``custom_imports=dict(imports=['tests.crash_helpers'])``."""
import copy
import itertools
import json
import os
import os.path as osp
import shutil
import time

import pytest
import torch
from mmengine.config import Config
from mmengine.fileio import register_backend
from mmengine.hooks import Hook

from mmocr.registry import HOOKS
from oclip_mmocr.engine.fileio import AtomicLocalBackend
from oclip_mmocr.utils.atomic_io import atomic_open
from tests.helpers import REPO, pipeline, tiny_model_cfg


@register_backend('slow_atomic', force=True)
class SlowAtomicBackend(AtomicLocalBackend):
    """The atomic backend, except that the checkpoint named by
    ``$OCLIP_TEST_SLOW_FILE`` is written half, then ``$OCLIP_TEST_SLOW_MARK``
    is created and the write stalls: a test kills the process there, in the
    middle of the write, every time."""

    def put(self, obj: bytes, filepath) -> None:
        if osp.basename(str(filepath)) != os.environ.get(
                'OCLIP_TEST_SLOW_FILE'):
            return super().put(obj, filepath)
        with atomic_open(str(filepath), 'wb') as f:
            f.write(obj[:len(obj) // 2])
            f.flush()
            os.fsync(f.fileno())
            open(os.environ['OCLIP_TEST_SLOW_MARK'], 'w').close()
            time.sleep(600)
            f.write(obj[len(obj) // 2:])


@HOOKS.register_module()
class PoisonWeightsHook(Hook):
    """Put a NaN into the first parameter before iteration ``at`` (1-based),
    as a diverging optimiser would."""

    def __init__(self, at: int) -> None:
        self.at = at

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        if runner.iter + 1 == self.at:
            with torch.no_grad():
                next(runner.model.parameters()).view(-1)[0] = float('nan')


@HOOKS.register_module()
class RecordBatchesHook(Hook):
    """Append ``{"iter": i, "batch": [...image paths]}`` per iteration to
    ``<work_dir>/batches.jsonl``."""

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        paths = [s.img_path for s in data_batch['data_samples']]
        with open(osp.join(runner.work_dir, 'batches.jsonl'), 'a') as f:
            f.write(json.dumps(dict(iter=runner.iter + 1, idx=batch_idx,
                                    batch=paths)) + '\n')


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


def copy_run(src, dst):
    """A copy of a run directory, its marker naming the copy's file."""
    shutil.copytree(src, dst)
    marker = dst / 'last_checkpoint'
    marker.write_text(str(dst / osp.basename(marker.read_text())))
    return dst
