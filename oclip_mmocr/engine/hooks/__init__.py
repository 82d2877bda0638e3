from .backbone_checkpoint_hook import BackboneCheckpointHook
from .export_backbone_hook import ExportBackboneHook

__all__ = ['BackboneCheckpointHook', 'ExportBackboneHook']
