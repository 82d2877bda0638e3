# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
import contextlib
import random
from typing import Iterator, Optional

import numpy as np
import torch
from mmengine.runner import EpochBasedTrainLoop

from mmocr.registry import LOOPS
from oclip_mmocr.datasets.samplers import ResumableSampler


@contextlib.contextmanager
def preserved_rng_state() -> Iterator[None]:
    """Restore Python's, NumPy's and torch's (CPU and CUDA) random states
    on exit."""
    state = (random.getstate(), np.random.get_state(),
             torch.random.get_rng_state(),
             torch.cuda.get_rng_state_all()
             if torch.cuda.is_available() else None)
    try:
        yield
    finally:
        random.setstate(state[0])
        np.random.set_state(state[1])
        torch.random.set_rng_state(state[2])
        if state[3] is not None:
            torch.cuda.set_rng_state_all(state[3])


@LOOPS.register_module()
class ResumableEpochBasedTrainLoop(EpochBasedTrainLoop):
    """An epoch-based loop that resumes mid-epoch where it stopped.

    MMEngine's loop, resumed from a checkpoint saved inside an epoch (an
    iteration checkpoint), runs that epoch again from its first batch while
    keeping the iteration count: more iterations than planned and a wrong
    ETA. Here the batches already trained in that epoch are skipped at the
    sampler (:class:`ResumableSampler`, whose order depends only on seed and
    epoch), so the run continues with the next batch and ends on the planned
    iteration. Batch indices in the logs continue from the resumed position.

    Args:
        val_iter_interval (int, optional): Also validate every this many
            iterations (pretraining epochs are long; MMEngine's epoch loop
            validates only at epoch ends). None: epochs only. The random
            states are restored afterwards, so validating leaves the
            training run unchanged.
        **kwargs: See :class:`EpochBasedTrainLoop`.
    """

    def __init__(self, *args, val_iter_interval: Optional[int] = None,
                 **kwargs) -> None:
        if val_iter_interval is not None and int(val_iter_interval) < 1:
            raise ValueError('val_iter_interval must be a positive number '
                             f'of iterations, got {val_iter_interval}')
        super().__init__(*args, **kwargs)
        self.val_iter_interval = val_iter_interval

    def run_iter(self, idx, data_batch) -> None:
        super().run_iter(idx, data_batch)
        n = self.val_iter_interval
        if n and self.runner.val_loop is not None and self._iter % n == 0 \
                and self._iter < self.max_iters:
            # Validating must not change the training run: the val loader
            # draws its seed from the global generators.
            with preserved_rng_state():
                self.runner.val_loop.run()
            # ValLoop leaves the model in eval mode; the epoch goes on.
            self.runner.model.train()

    def run_epoch(self) -> None:
        per_epoch = len(self.dataloader)
        done = self._iter - self._epoch * per_epoch
        if not 0 < done < per_epoch:
            return super().run_epoch()
        sampler = self.dataloader.sampler
        if not isinstance(sampler, ResumableSampler):
            raise TypeError(
                'resuming mid-epoch needs the ResumableSampler (it skips the '
                f'{done} batches already trained), not '
                f'{type(sampler).__name__}')
        sampler.skip_next(done * self.dataloader.batch_size)
        self.runner.logger.info(
            f'resuming epoch {self._epoch + 1} at batch {done + 1} of '
            f'{per_epoch}')
        self.runner.call_hook('before_train_epoch')
        self.runner.model.train()
        for idx, data_batch in enumerate(self.dataloader, start=done):
            self.run_iter(idx, data_batch)
        self.runner.call_hook('after_train_epoch')
        self._epoch += 1
