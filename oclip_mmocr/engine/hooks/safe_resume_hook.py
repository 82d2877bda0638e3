# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
import glob
import os
import os.path as osp
import re
from typing import List, Optional, Tuple

from mmengine.dist import broadcast_object_list, is_main_process
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmocr.registry import HOOKS
from oclip_mmocr.utils.atomic_io import atomic_write_text, is_temporary
from oclip_mmocr.utils.checkpoint_check import (CheckpointModelMismatchError,
                                                UntrustedCheckpointError,
                                                inspect_checkpoint,
                                                load_checked,
                                                state_dict_mismatch)

#: Checkpoint names the checkpoint hooks write.
CHECKPOINT_NAME = re.compile(r'^(epoch|iter)_\d+\.pth$')


def _read_marker(work_dir: str) -> Optional[str]:
    path = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(path):
        return None
    with open(path, encoding='utf-8', errors='replace') as f:
        return f.read().strip()


def _move_aside(path: str) -> str:
    target, n = f'{path}.corrupt', 1
    while osp.exists(target):
        target, n = f'{path}.corrupt{n}', n + 1
    os.replace(path, target)
    return target


def choose_checkpoint(work_dir: str, logger=None) -> Tuple[Optional[str],
                                                          List[str]]:
    """The newest checkpoint of ``work_dir`` that loads, and what was wrong.

    Candidates are the ``epoch_N.pth`` / ``iter_N.pth`` files of the work dir
    and of the directory of the file ``last_checkpoint`` names (a checkpoint
    hook's ``out_dir``), and that file. Each is opened (weights-only, memory-mapped):
    unreadable ones (empty, truncated) are renamed ``*.corrupt``; one whose
    unpickling would run code stops everything. The newest is the one with
    the highest iteration (then modification time); leftovers of
    interrupted atomic writes are removed.

    Returns:
        tuple: the chosen path (None when there is no candidate at all) and
        the messages about what was skipped.
    """
    notes = []
    for leftover in glob.glob(osp.join(work_dir, '.*')):
        if is_temporary(leftover):
            os.remove(leftover)
            notes.append(f'removed {leftover}, left by an interrupted write')
    marker = _read_marker(work_dir)
    dirs = {work_dir}
    if marker and osp.isdir(osp.dirname(marker)):
        dirs.add(osp.dirname(marker))
    names = {
        osp.join(d, f)
        for d in dirs if osp.isdir(d) for f in os.listdir(d)
        if CHECKPOINT_NAME.match(f)
    }
    if marker:
        if osp.isfile(marker):
            names.add(marker)
        else:
            notes.append(f'last_checkpoint names {marker}, which does not '
                         'exist')
    elif marker is not None:
        notes.append('last_checkpoint is empty')
    else:
        notes.append('there is no last_checkpoint')
    good = []
    for path in sorted(names):
        info = inspect_checkpoint(path)
        if info.status == 'untrusted':
            raise UntrustedCheckpointError(info.reason)
        if info.status == 'ok':
            good.append((info.iteration, osp.getmtime(path), path))
            continue
        if info.status == 'foreign':
            notes.append(info.reason)
            continue
        moved = _move_aside(path)
        notes.append(f'{info.reason}; moved aside to {moved}')
    if not good:
        if names:
            raise RuntimeError(
                f'--resume: none of the {len(names)} checkpoints in '
                f'{work_dir} can be loaded ({"; ".join(notes)}). Nothing was '
                'deleted; restore a checkpoint or use a new --work-dir.')
        return None, notes
    return max(good)[2], notes


def check_resumes_into(model, path: str) -> None:
    """Raise :class:`CheckpointModelMismatchError` when the runner
    checkpoint ``path`` was written by a model other than ``model`` (the
    config changed: another width, depth, head), naming the parameters that
    differ. MMEngine would fail later with a bare ``size of tensor a (64)
    must match the size of tensor b (96)``."""
    if is_model_wrapper(model):
        model = model.module
    saved = load_checked(path, mmap=True).get('state_dict', {})
    n, lines = state_dict_mismatch(saved, model.state_dict())
    if n:
        more = f' (and {n - len(lines)} more)' if n > len(lines) else ''
        raise CheckpointModelMismatchError(
            f'resume: {path} was written by a different model than this '
            f'config builds: the config changed since that checkpoint. '
            f'{n} parameters differ: ' + '; '.join(lines) + more +
            '. Resume with the config the run started with (its copy is in '
            'the work dir, and in the checkpoint\'s meta["cfg"]), or start '
            'a new --work-dir (load_from=... initialises a new run from '
            'matching weights without resuming).')


def check_loads_into(model, path: str) -> None:
    """Raise :class:`CheckpointModelMismatchError` unless the checkpoint
    ``path`` holds exactly ``model``'s parameters (names and shapes)."""
    if is_model_wrapper(model):
        model = model.module
    saved = load_checked(path, mmap=True)
    saved = saved.get('state_dict', saved)
    n, lines = state_dict_mismatch(saved, model.state_dict())
    if n:
        more = f' (and {n - len(lines)} more)' if n > len(lines) else ''
        raise CheckpointModelMismatchError(
            f'load_from: {path} does not fit the model this config builds: '
            f'{n} parameters differ: ' + '; '.join(lines) + more)


@HOOKS.register_module()
class SafeResumeHook(Hook):
    """Resume from the newest checkpoint that actually loads.

    With ``--resume`` (``resume=True`` and no ``load_from``), MMEngine
    follows ``last_checkpoint`` blindly: a truncated file stops the run, an
    empty marker fails with a path-less error, and a missing one silently
    restarts from iteration 0, after which the checkpoint rotation deletes
    the good files. This hook, run before MMEngine resumes, picks the file
    itself (:func:`choose_checkpoint`), rewrites the marker atomically and
    logs what it skipped and why. Without any checkpoint in the work dir it
    says so and starts from scratch. An explicit ``load_from`` (with or
    without resume) is checked the same way and fails with a message naming
    the file instead of a raw unpickling error. A checkpoint to be resumed
    whose parameters do not fit the config's model (the config changed)
    is refused with the differing parameters named
    (:func:`check_resumes_into`).
    """

    priority = 'VERY_HIGH'

    def __init__(self, strict_load_from: bool = False) -> None:
        #: A ``load_from`` that initialises a new run (no resume) must fit
        #: the model exactly -- MMEngine loads it non-strictly and only
        #: warns, leaving the rest at its initialisation. For configs that
        #: start from a whole detector (e.g. after SynthText pretraining).
        self.strict_load_from = strict_load_from

    def before_run(self, runner) -> None:
        load_from = runner._load_from
        if load_from is not None:
            self._check_load_from(runner, load_from)
            return
        if not runner._resume:
            return
        result = [None, []]
        if is_main_process():
            chosen, notes = choose_checkpoint(runner.work_dir)
            if chosen is not None:
                atomic_write_text(chosen,
                                  osp.join(runner.work_dir, 'last_checkpoint'))
            result = [chosen, notes]
        broadcast_object_list(result)
        chosen, notes = result
        for note in notes:
            runner.logger.warning(f'resume: {note}')
        if chosen is None:
            init = getattr(runner, 'cfg', {}).get('init_load_from')
            runner._resume = False
            if init:
                # First run of a config that starts from whole weights.
                runner.logger.info(
                    f'resume: no checkpoint in {runner.work_dir}; starting '
                    f'from load_from={init}')
                runner._load_from = init
                self._check_load_from(runner, init)
                return
            runner.logger.warning(
                f'resume: no checkpoint in {runner.work_dir}; starting from '
                'scratch')
            return
        check_resumes_into(runner.model, chosen)
        runner.logger.info(f'resume: continuing from {chosen}')
        runner._load_from = chosen

    def _check_load_from(self, runner, load_from: str) -> None:
        """Readable, trusted and -- when strict or resuming -- fitting."""
        if osp.isfile(load_from):
            info = inspect_checkpoint(load_from)
            if info.status == 'untrusted':
                raise UntrustedCheckpointError(info.reason)
            if info.status == 'unreadable' or (
                    info.status == 'foreign' and runner._resume):
                raise RuntimeError(info.reason)
            if runner._resume:
                check_resumes_into(runner.model, load_from)
            elif self.strict_load_from:
                check_loads_into(runner.model, load_from)
        elif self.strict_load_from:
            raise FileNotFoundError(
                f'load_from: {load_from} does not exist (this config '
                'starts from a whole pretrained detector; run its '
                'pretraining config first or set load_from)')
