# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Telling a good checkpoint from a truncated, foreign or poisoned one
before a run depends on it."""
import pickle
from typing import Iterable, List, Mapping, NamedTuple, Optional, Tuple

import torch


class UntrustedCheckpointError(RuntimeError):
    """A checkpoint whose unpickling would run code (refused)."""


class UnreadableCheckpointError(RuntimeError):
    """A checkpoint that is missing, empty, truncated or not a checkpoint."""


class CheckpointModelMismatchError(RuntimeError):
    """A checkpoint written by another model than the one being built."""


def state_dict_mismatch(saved: Mapping, expected: Mapping,
                        limit: int = 8) -> Tuple[int, List[str]]:
    """How ``saved`` (a checkpoint's ``state_dict``) differs from
    ``expected`` (the model's): shapes first, then keys only one side has.

    Returns:
        tuple: the number of differing entries and (at most ``limit``)
        lines naming them, e.g. ``'neck.conv.weight: checkpoint (64, 32),
        model (96, 32)'``.
    """
    lines = []
    shapes = [
        (k, tuple(saved[k].shape), tuple(v.shape))
        for k, v in expected.items()
        if k in saved and torch.is_tensor(saved[k]) and torch.is_tensor(v)
        and tuple(saved[k].shape) != tuple(v.shape)
    ]
    missing = [k for k in expected if k not in saved]
    extra = [k for k in saved if k not in expected]
    lines += [f'{k}: checkpoint {a}, model {b}' for k, a, b in shapes]
    lines += [f'{k}: in the model, not in the checkpoint' for k in missing]
    lines += [f'{k}: in the checkpoint, not in the model' for k in extra]
    return len(lines), lines[:limit]


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
