"""Test-only components for the crash-safety tests, imported by training
runs through ``custom_imports=dict(imports=['tests.crash_helpers'])``."""
import json
import os
import os.path as osp
import time

import torch
from mmengine.fileio import register_backend
from mmengine.hooks import Hook

from mmocr.registry import HOOKS
from oclip_mmocr.engine.fileio import AtomicLocalBackend
from oclip_mmocr.utils.atomic_io import atomic_open


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
