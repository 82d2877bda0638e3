from .export_backbone_hook import ExportBackboneHook

__all__ = ['ExportBackboneHook']
