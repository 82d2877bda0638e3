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


@HOOKS.register_module()
class PlateauExitHook(Hook):
    """Record the iteration at which training leaves its initial plateau.

    A short budget can end before a model has learnt anything (DBNet's
    probability map stays constant for hundreds of iterations): a result
    from such a run measures the budget, not the initialisation. The level
    of the plateau is the mean of ``loss_key`` over the first ``window``
    iterations; the model has left it at the first iteration where the
    mean over the last ``window`` iterations is below ``ratio`` times that
    level. At the end of training the record goes to the log and to
    ``<work_dir>/plateau.json`` (``exit_iter`` None: never left). The
    record travels in checkpoints, so a resumed run keeps it.

    Args:
        loss_key (str): The logged loss followed (default the total).
        window (int): Iterations averaged.
        ratio (float): Fraction of the plateau level that counts as out.
    """

    priority = 'LOW'

    def __init__(self, loss_key: str = 'loss', window: int = 20,
                 ratio: float = 0.8) -> None:
        if window < 1 or not 0 < ratio < 1:
            raise ValueError('PlateauExitHook needs window >= 1 and 0 < '
                             f'ratio < 1, got {window}, {ratio}')
        self.loss_key = loss_key
        self.window = window
        self.ratio = ratio
        self.recent: deque = deque(maxlen=window)
        self.level: Optional[float] = None
        self.exit_iter: Optional[int] = None

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs: Optional[Dict] = None) -> None:
        value = (outputs or {}).get(self.loss_key)
        if value is None:
            return
        self.recent.append(float(value.detach()) if torch.is_tensor(value)
                           else float(value))
        if len(self.recent) < self.window:
            return
        mean = float(np.mean(self.recent))
        if self.level is None:
            self.level = mean
        elif self.exit_iter is None and mean < self.ratio * self.level:
            self.exit_iter = runner.iter + 1
            runner.logger.info(
                f'left the initial plateau at iteration {self.exit_iter}: '
                f'{self.loss_key} over the last {self.window} iterations '
                f'{mean:.4f} < {self.ratio} x {self.level:.4f}')

    def record(self) -> Dict:
        return dict(loss_key=self.loss_key, window=self.window,
                    ratio=self.ratio, plateau_level=self.level,
                    exit_iter=self.exit_iter,
                    final_level=float(np.mean(self.recent))
                    if self.recent else None)

    def before_save_checkpoint(self, runner, checkpoint: Dict) -> None:
        checkpoint.setdefault('meta', {})['plateau_exit'] = dict(
            self.record(), recent=list(self.recent))

    def after_load_checkpoint(self, runner, checkpoint: Dict) -> None:
        saved = checkpoint.get('meta', {}).get('plateau_exit')
        if saved and saved.get('loss_key') == self.loss_key:
            self.level = saved['plateau_level']
            self.exit_iter = saved['exit_iter']
            self.recent.extend(saved.get('recent', []))

    def after_train(self, runner) -> None:
        rec = dict(self.record(), max_iters=runner.max_iters)
        left = (f'at iteration {rec["exit_iter"]} of {runner.max_iters}'
                if rec['exit_iter'] else f'never (of {runner.max_iters})')
        runner.logger.info(
            f'initial plateau ({self.loss_key} {rec["plateau_level"]}): '
            f'left {left}; last {self.window} iterations '
            f'{rec["final_level"]}')
        if is_main_process():
            with open(osp.join(runner.work_dir, 'plateau.json'), 'w') as f:
                json.dump(rec, f, indent=1)
