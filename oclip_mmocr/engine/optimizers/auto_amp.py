# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from contextlib import ExitStack, contextmanager
from typing import Dict, Optional, Union

import torch
import torch.nn as nn
from mmengine.logging import print_log
from mmengine.optim import AmpOptimWrapper, OptimWrapper

from mmocr.registry import OPTIM_WRAPPERS

_DTYPES = dict(float16=torch.float16, bfloat16=torch.bfloat16,
               float32=torch.float32)


def pick_amp_dtype(device: str,
                   cpu_dtype: Optional[str] = None) -> Optional[torch.dtype]:
    """The autocast dtype for ``device``: bf16 on GPUs that support it (no
    loss scaling needed), fp16 on older GPUs, ``cpu_dtype`` (default: none,
    plain fp32) on a CPU."""
    if device == 'cuda':
        return torch.bfloat16 if torch.cuda.is_bf16_supported() \
            else torch.float16
    if cpu_dtype is None or cpu_dtype == 'float32':
        return None
    return _DTYPES[cpu_dtype]


@OPTIM_WRAPPERS.register_module()
class AutoMixedPrecisionOptimWrapper(AmpOptimWrapper):
    """Mixed precision where it pays: bf16 autocast on a GPU that has it,
    fp16 autocast with a dynamic loss scaler otherwise, fp32 on a CPU.

    MMEngine's ``AmpOptimWrapper`` needs the dtype in the config and refuses
    to start without a GPU; this wrapper decides when it is built, so one
    pretraining config runs on an A100/H100 (bf16), a V100/T4 (fp16 + scaler)
    and a laptop (fp32). The chosen mode is logged. Backward, step and the
    checkpointed loss-scaler state are ``AmpOptimWrapper``'s (the scaler is
    disabled, and its state empty, unless fp16 runs).

    Args:
        dtype (str): ``'auto'`` (above), or ``'float16'`` / ``'bfloat16'`` /
            ``'float32'`` to force one on a GPU.
        cpu_dtype (str, optional): Autocast dtype on a CPU; ``None`` (fp32)
            by default, since CPU half-precision kernels are slower for
            some layers and bf16 changes the numbers.
        loss_scale (str | float | dict): As in ``AmpOptimWrapper``, used
            with fp16 only.
        **kwargs: For :class:`OptimWrapper`.
    """

    def __init__(self,
                 dtype: str = 'auto',
                 cpu_dtype: Optional[str] = None,
                 loss_scale: Union[str, float, Dict] = 'dynamic',
                 **kwargs) -> None:
        # AmpOptimWrapper.__init__ asserts a GPU: build the plain wrapper and
        # set what AmpOptimWrapper's methods use.
        OptimWrapper.__init__(self, **kwargs)
        self.device = 'cuda' if torch.cuda.is_available() else 'cpu'
        if dtype != 'auto' and dtype not in _DTYPES:
            raise ValueError(f"dtype must be 'auto' or one of "
                             f'{sorted(_DTYPES)}, got {dtype!r}')
        if cpu_dtype is not None and cpu_dtype not in _DTYPES:
            raise ValueError(f'cpu_dtype must be one of {sorted(_DTYPES)} or '
                             f'None, got {cpu_dtype!r}')
        if dtype == 'auto' or self.device == 'cpu':
            self.cast_dtype = pick_amp_dtype(self.device, cpu_dtype)
        else:
            self.cast_dtype = None if dtype == 'float32' else _DTYPES[dtype]
        scale = self.cast_dtype is torch.float16
        self._scale_update_param = loss_scale if isinstance(
            loss_scale, float) else None
        kwargs_scaler = dict(init_scale=loss_scale) if isinstance(
            loss_scale, float) else loss_scale if isinstance(
                loss_scale, dict) else {}
        self.loss_scaler = torch.amp.GradScaler(
            self.device, enabled=scale, **kwargs_scaler)
        mode = 'fp32' if self.cast_dtype is None else (
            f'{self.mode} autocast' +
            (' + dynamic loss scaling' if scale else ''))
        print_log(f'mixed precision: {mode} on {self.device}',
                  logger='current')

    @property
    def mode(self) -> str:
        return 'fp32' if self.cast_dtype is None else str(
            self.cast_dtype).split('.')[1]

    @contextmanager
    def optim_context(self, model: nn.Module):
        # MMEngine's autocast would cast a CPU run to bf16 even when fp32
        # was chosen; autocast only for a chosen dtype, on this device.
        with ExitStack() as stack:
            stack.enter_context(OptimWrapper.optim_context(self, model))
            if self.cast_dtype is not None:
                stack.enter_context(
                    torch.autocast(self.device, dtype=self.cast_dtype))
            yield
