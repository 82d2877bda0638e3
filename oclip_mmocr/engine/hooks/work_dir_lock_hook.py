# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from mmengine.dist import broadcast_object_list, is_main_process
from mmengine.hooks import Hook

from mmocr.registry import HOOKS
from oclip_mmocr.utils.work_dir_lock import (WorkDirBusyError, acquire,
                                             release)


@HOOKS.register_module()
class WorkDirLockHook(Hook):
    """Refuse a second run on a work dir that a live run is using.

    Before anything reads or writes checkpoints (highest priority), the
    main process takes the work dir's lock
    (:mod:`oclip_mmocr.utils.work_dir_lock`) and tells every rank whether
    it got it, so a refused distributed run stops on all ranks with the
    same message. The lock goes with the process (any exit) or at
    ``after_run``.
    """

    priority = 'HIGHEST'

    def before_run(self, runner) -> None:
        result = [None, None]
        if is_main_process():
            try:
                result = [None, acquire(runner.work_dir)]
            except WorkDirBusyError as e:
                result = [str(e), None]
        broadcast_object_list(result)
        error, note = result
        if error:
            raise WorkDirBusyError(error)
        if note:
            runner.logger.info(f'work dir lock: {note}')

    def after_run(self, runner) -> None:
        if is_main_process():
            release(runner.work_dir)
