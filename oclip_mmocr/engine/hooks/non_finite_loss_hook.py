# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
import math
from typing import Dict, Optional

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmocr.registry import HOOKS
from oclip_mmocr.utils.checkpoint_check import non_finite_tensors


class DivergenceError(RuntimeError):
    """Training produced non-finite losses or weights."""


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Stop training when a loss (or the weights) stops being finite.

    MMEngine carries on through NaN losses, saving NaN checkpoints and
    exporting a NaN backbone, and exits 0. This hook runs after every
    iteration, before the checkpoint hooks, and raises
    :class:`DivergenceError` naming the iteration and each loss term.

    Args:
        max_skips (int): Consecutive non-finite iterations tolerated before
            stopping (default 0: stop at the first). Meant for fp16 AMP,
            whose loss scaler skips the update of such steps; the weights
            are checked whenever a step is tolerated, and non-finite weights
            always stop the run.
    """

    priority = 'ABOVE_NORMAL'

    def __init__(self, max_skips: int = 0) -> None:
        self.max_skips = max_skips
        self._bad_in_a_row = 0

    @staticmethod
    def _values(outputs: Optional[Dict]) -> Dict[str, float]:
        """The scalar log variables: one-element tensors and Python
        numbers (a model may log a plain ``float``)."""
        out = {}
        for k, v in (outputs or {}).items():
            if torch.is_tensor(v) and v.numel() == 1:
                out[k] = float(v.detach())
            elif isinstance(v, (int, float)):
                out[k] = float(v)
        return out

    def after_train_iter(self, runner, batch_idx: int,
                         data_batch=None, outputs=None) -> None:
        values = self._values(outputs)
        bad = [k for k, v in values.items() if not math.isfinite(v)]
        if not bad:
            self._bad_in_a_row = 0
            return
        self._bad_in_a_row += 1
        terms = ', '.join(f'{k}={v:.4g}' for k, v in values.items())
        where = f'iteration {runner.iter + 1} (epoch {runner.epoch + 1})'
        model = runner.model.module if is_model_wrapper(runner.model) \
            else runner.model
        broken = non_finite_tensors(model.named_parameters())
        if self._bad_in_a_row <= self.max_skips and not broken:
            runner.logger.warning(
                f'non-finite loss at {where}: {terms}; tolerated '
                f'({self._bad_in_a_row} of {self.max_skips} in a row, the '
                'weights are still finite)')
            return
        detail = (f'; non-finite weights: {", ".join(broken)}'
                  if broken else '')
        raise DivergenceError(
            f'training diverged at {where}: {terms}{detail}. Stopped before '
            'any checkpoint of these weights was written; resume from the '
            'last checkpoint with a lower learning rate (or, for fp16 AMP, '
            'allow a few skipped steps with NonFiniteLossHook(max_skips=N)).')
