# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Let ``torch.load(weights_only=True)`` read MMEngine runner checkpoints.

torch >= 2.6 loads with ``weights_only=True`` by default, and mmengine 0.10.7
calls ``torch.load`` without the flag, so resuming from (or testing) a runner
checkpoint fails on the few non-tensor types such a checkpoint holds: the
message hub's ``HistoryBuffer``, the numpy arrays/scalars inside it, and the
buffer's statistics functions, which pickle stores as
``getattr(HistoryBuffer, 'mean')``. We allow-list exactly those, with a
``getattr`` that resolves nothing but ``HistoryBuffer``'s own statistics
methods, instead of disabling weights-only loading, which would let a
downloaded checkpoint run arbitrary code.
"""
import pickle
from typing import Any

import numpy as np
import torch
from mmengine.logging import HistoryBuffer


def _numpy_types() -> list:
    types = [np.ndarray, np.dtype]
    try:  # numpy >= 1.25 exposes the concrete dtype classes
        from numpy import dtypes
        types += [
            getattr(dtypes, n) for n in dir(dtypes) if n.endswith('DType')
        ]
    except ImportError:  # pragma: no cover
        pass
    try:
        from numpy.core import multiarray
    except ImportError:  # pragma: no cover - numpy 2
        from numpy._core import multiarray
    types += [multiarray._reconstruct, multiarray.scalar]
    return types


def history_buffer_getattr(obj: Any, name: str) -> Any:
    """``getattr`` restricted to ``HistoryBuffer``'s statistics methods.

    Registered as ``builtins.getattr`` for the weights-only unpickler only;
    any other use in a checkpoint is refused.
    """
    if obj is HistoryBuffer and callable(vars(HistoryBuffer).get(name)) \
            and not name.startswith('_'):
        return vars(HistoryBuffer)[name]
    raise pickle.UnpicklingError(
        f'refusing getattr({obj!r}, {name!r}) in a weights-only checkpoint')


def register_checkpoint_safe_globals() -> None:
    """Allow-list the types of MMEngine checkpoints for weights-only
    loading (idempotent)."""
    torch.serialization.add_safe_globals([
        HistoryBuffer, *_numpy_types(),
        (history_buffer_getattr, '__builtin__.getattr'),
        (history_buffer_getattr, 'builtins.getattr')
    ])
