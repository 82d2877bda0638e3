from .backbone_io import (BACKBONE_PREFIX, BackboneKeyMismatchError,
                          check_strict, extract_backbone, load_backbone_strict,
                          load_checkpoint_file, unwrap_state_dict)
from .safe_checkpoint import register_checkpoint_safe_globals

__all__ = [
    'BACKBONE_PREFIX', 'BackboneKeyMismatchError', 'check_strict',
    'extract_backbone', 'load_backbone_strict', 'load_checkpoint_file',
    'unwrap_state_dict', 'register_checkpoint_safe_globals'
]
