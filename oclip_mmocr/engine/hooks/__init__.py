from .atomic_checkpoint_hook import AtomicCheckpointHook
from .backbone_checkpoint_hook import BackboneCheckpointHook
from .data_check_hook import BadDataError, DataCheckHook
from .export_backbone_hook import ExportBackboneHook
from .non_finite_loss_hook import DivergenceError, NonFiniteLossHook
from .plateau_exit_hook import PlateauExitHook
from .precise_bn_hook import PreciseBNHook, recompute_bn_stats
from .safe_resume_hook import (SafeResumeHook, check_resumes_into,
                               choose_checkpoint)
from .work_dir_lock_hook import WorkDirLockHook

__all__ = [
    'AtomicCheckpointHook', 'BackboneCheckpointHook', 'BadDataError',
    'DataCheckHook', 'ExportBackboneHook',
    'DivergenceError', 'NonFiniteLossHook', 'PlateauExitHook', 'PreciseBNHook',
    'SafeResumeHook',
    'WorkDirLockHook', 'check_resumes_into', 'choose_checkpoint',
    'recompute_bn_stats'
]
