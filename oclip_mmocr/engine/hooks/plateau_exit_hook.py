# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
import json
import os.path as osp
from collections import deque
from typing import Dict, Optional

import numpy as np
import torch
from mmengine.dist import is_main_process
from mmengine.hooks import Hook

from mmocr.registry import HOOKS

LEVELS = ('start', 'stall')


class PlateauTracker:
    """The rule of :class:`PlateauExitHook`, fed one loss value at a time.

    Values are averaged over ``window`` iterations. The plateau's level is
    either the mean of the first ``window`` values (``level_at='start'``:
    a loss that is flat from the first iteration) or the mean of the first
    block of ``window`` values that fell by less than ``stall`` (relative)
    from the block before (``level_at='stall'``: a loss that first drops
    quickly to a constant prediction, e.g. DBNet's probability map fitting
    its bias in ~60 iterations, and only then sits still). Blocks are
    consecutive and do not overlap. The run has left the plateau at the
    first iteration where the mean of the last ``window`` values is below
    ``ratio`` times the level.

    Args:
        window (int): Iterations averaged.
        ratio (float): Fraction of the plateau level that counts as out.
        level_at (str): ``'start'`` or ``'stall'``.
        stall (float): Relative drop between two blocks under which the
            loss has settled on its plateau (``level_at='stall'``).
    """

    def __init__(self, window: int = 20, ratio: float = 0.8,
                 level_at: str = 'start', stall: float = 0.03) -> None:
        if window < 1 or not 0 < ratio < 1:
            raise ValueError('PlateauExitHook needs window >= 1 and 0 < '
                             f'ratio < 1, got {window}, {ratio}')
        if level_at not in LEVELS:
            raise ValueError(f'level_at must be one of {LEVELS}, got '
                             f'{level_at!r}')
        if not 0 < stall < 1:
            raise ValueError(f'stall must be in (0, 1), got {stall}')
        self.window = window
        self.ratio = ratio
        self.level_at = level_at
        self.stall = stall
        self.recent: deque = deque(maxlen=window)
        self.seen = 0
        self.last_block: Optional[float] = None
        self.level: Optional[float] = None
        self.level_iter: Optional[int] = None
        self.exit_iter: Optional[int] = None

    def push(self, value: float) -> bool:
        """Add the loss of the next iteration; True when it is the one at
        which the run leaves the plateau."""
        self.recent.append(float(value))
        self.seen += 1
        if len(self.recent) < self.window:
            return False
        mean = float(np.mean(self.recent))
        if self.level is None:
            if self.seen % self.window == 0:
                settled = self.level_at == 'start' or (
                    self.last_block is not None
                    and self.last_block - mean < self.stall * self.last_block)
                if settled:
                    self.level, self.level_iter = mean, self.seen
                self.last_block = mean
            return False
        if self.exit_iter is None and mean < self.ratio * self.level:
            self.exit_iter = self.seen
            return True
        return False

    def record(self) -> Dict:
        """The result so far: ``exit_iter`` None while on the plateau (or
        never off it), 0 for a ``'stall'`` run whose loss never settled (it
        kept falling: there was no plateau to leave)."""
        exit_iter = self.exit_iter
        if (exit_iter is None and self.level is None
                and self.level_at == 'stall' and self.seen >= 2 * self.window):
            exit_iter = 0
        return dict(window=self.window, ratio=self.ratio,
                    level_at=self.level_at, stall=self.stall,
                    plateau_level=self.level, level_iter=self.level_iter,
                    exit_iter=exit_iter,
                    final_level=float(np.mean(self.recent))
                    if self.recent else None)

    def state(self) -> Dict:
        return dict(recent=list(self.recent), seen=self.seen,
                    last_block=self.last_block, level=self.level,
                    level_iter=self.level_iter, exit_iter=self.exit_iter)

    def load_state(self, state: Dict) -> None:
        self.recent.clear()
        self.recent.extend(state.get('recent', []))
        # Records saved before the stall rule existed: the 'start' rule.
        self.seen = state.get('seen', 0)
        self.last_block = state.get('last_block')
        self.level = state.get('level', state.get('plateau_level'))
        self.level_iter = state.get('level_iter')
        self.exit_iter = state.get('exit_iter')


@HOOKS.register_module()
class PlateauExitHook(Hook):
    """Record the iteration at which training leaves its initial plateau.

    A short budget can end before a model has learnt anything (DBNet's
    probability map stays constant for hundreds of iterations): a result
    from such a run measures the budget, not the initialisation. The rule
    is :class:`PlateauTracker`'s, applied to the logged ``loss_key``. At
    the end of training the record goes to the log and to
    ``<work_dir>/plateau.json`` (``exit_iter`` None: never left). The
    record travels in checkpoints, so a resumed run keeps it.
    ``tools/plateau_from_logs.py`` applies the same rule to the training
    logs of finished runs.

    Args:
        loss_key (str): The logged loss followed (default the total).
        window (int): Iterations averaged.
        ratio (float): Fraction of the plateau level that counts as out.
        level_at (str): Where the plateau's level is read: ``'start'`` (the
            first ``window`` iterations) or ``'stall'`` (the first block of
            ``window`` iterations that fell by less than ``stall``).
        stall (float): See ``level_at``.
    """

    priority = 'LOW'

    def __init__(self, loss_key: str = 'loss', window: int = 20,
                 ratio: float = 0.8, level_at: str = 'start',
                 stall: float = 0.03) -> None:
        self.loss_key = loss_key
        self.tracker = PlateauTracker(window, ratio, level_at, stall)

    @property
    def exit_iter(self) -> Optional[int]:
        return self.tracker.exit_iter

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs: Optional[Dict] = None) -> None:
        value = (outputs or {}).get(self.loss_key)
        if value is None:
            return
        t = self.tracker
        if t.push(float(value.detach()) if torch.is_tensor(value)
                  else float(value)):
            runner.logger.info(
                f'left the initial plateau at iteration {t.exit_iter}: '
                f'{self.loss_key} over the last {t.window} iterations '
                f'{np.mean(t.recent):.4f} < {t.ratio} x {t.level:.4f}')

    def record(self) -> Dict:
        return dict(loss_key=self.loss_key, **self.tracker.record())

    def before_save_checkpoint(self, runner, checkpoint: Dict) -> None:
        checkpoint.setdefault('meta', {})['plateau_exit'] = dict(
            self.record(), **self.tracker.state())

    def after_load_checkpoint(self, runner, checkpoint: Dict) -> None:
        saved = checkpoint.get('meta', {}).get('plateau_exit')
        if saved and saved.get('loss_key') == self.loss_key:
            self.tracker.load_state(saved)
            # The runner's count, which records written before the tracker
            # counted iterations lack.
            self.tracker.seen = checkpoint['meta'].get('iter',
                                                       self.tracker.seen)

    def after_train(self, runner) -> None:
        rec = dict(self.record(), max_iters=runner.max_iters)
        left = (f'at iteration {rec["exit_iter"]} of {runner.max_iters}'
                if rec['exit_iter'] else f'never (of {runner.max_iters})')
        runner.logger.info(
            f'initial plateau ({self.loss_key} {rec["plateau_level"]}, read '
            f'at {self.tracker.level_at}): left {left}; last '
            f'{self.tracker.window} iterations {rec["final_level"]}')
        if is_main_process():
            with open(osp.join(runner.work_dir, 'plateau.json'), 'w') as f:
                json.dump(rec, f, indent=1)
