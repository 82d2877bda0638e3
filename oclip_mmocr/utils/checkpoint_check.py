# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Telling a good checkpoint from a truncated, foreign or poisoned one
before a run depends on it."""
import pickle
from typing import Iterable, List, NamedTuple, Optional, Tuple

import torch


class UntrustedCheckpointError(RuntimeError):
    """A checkpoint whose unpickling would run code (refused)."""


class UnreadableCheckpointError(RuntimeError):
    """A checkpoint that is missing, empty, truncated or not a checkpoint."""


class NonFiniteTensorError(ValueError):
    """A checkpoint or backbone holding NaN or infinite values."""


def non_finite_tensors(named: Iterable[Tuple[str, object]],
                       limit: int = 5) -> List[str]:
    """Names of (at most ``limit``) floating tensors holding NaN or inf."""
    bad = []
    for name, t in named:
        if torch.is_tensor(t) and t.is_floating_point() and not bool(
                torch.isfinite(t).all()):
            bad.append(name)
            if len(bad) >= limit:
                break
    return bad


def check_finite(named, source: str) -> None:
    bad = non_finite_tensors(named)
    if bad:
        raise NonFiniteTensorError(
            f'{source} holds NaN or infinite values in {", ".join(bad)}'
            f'{" (and maybe more)" if len(bad) == 5 else ""}; it comes from '
            'a diverged run and cannot be used')


def classify_load_error(path: str, e: BaseException) -> RuntimeError:
    """The clear error for an exception ``torch.load`` raised on ``path``."""
    text = str(e)
    reason = text.partition('WeightsUnpickler error:')[2].strip() or text
    reason = reason.strip().split('\n')[0]
    if isinstance(e, pickle.UnpicklingError) and (
            'Unsupported global' in reason or 'Unsupported class' in reason):
        return UntrustedCheckpointError(
            f'{path}: refused: unpickling it would run code ({reason}). A '
            'checkpoint needs none; load only files you trust, and never '
            'with weights_only=False')
    if isinstance(e, FileNotFoundError):
        return UnreadableCheckpointError(f'{path}: no such file')
    return UnreadableCheckpointError(
        f'{path}: not a readable checkpoint (truncated, empty or not written '
        f'by torch.save: {reason})')


def load_checked(path: str, mmap: bool = False):
    """``torch.load(path, weights_only=True)`` onto the CPU, raising
    :class:`UntrustedCheckpointError` / :class:`UnreadableCheckpointError`
    with a message naming the file."""
    try:
        return torch.load(path, map_location='cpu', weights_only=True,
                          mmap=mmap)
    except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError,
            OSError, KeyError, AttributeError) as e:
        raise classify_load_error(path, e) from None


class CheckpointInfo(NamedTuple):
    """What :func:`inspect_checkpoint` found."""
    status: str  # 'ok', 'foreign' (no runner state), 'unreadable', 'untrusted'
    iteration: int
    epoch: int
    reason: Optional[str]


def inspect_checkpoint(path: str) -> CheckpointInfo:
    """Open a runner checkpoint without reading its tensors (weights-only,
    memory-mapped) and report its training position."""
    try:
        ckpt = load_checked(path, mmap=True)
    except UntrustedCheckpointError as e:
        return CheckpointInfo('untrusted', -1, -1, str(e))
    except UnreadableCheckpointError as e:
        return CheckpointInfo('unreadable', -1, -1, str(e))
    meta = ckpt.get('meta', {}) if isinstance(ckpt, dict) else {}
    if not isinstance(ckpt, dict) or 'state_dict' not in ckpt:
        return CheckpointInfo('foreign', -1, -1,
                              f'{path}: loads, but is not a runner checkpoint '
                              '(no state_dict / meta): it cannot be resumed')
    return CheckpointInfo('ok', int(meta.get('iter', -1)),
                          int(meta.get('epoch', -1)), None)
