from .detectors import TextBPN
from .heads import TextBPNHead
from .layers import AdaptiveBoundaryDeformation
from .module_losses import TextBPNModuleLoss
from .necks import BPNUpsampleNeck
from .postprocessors import TextBPNPostprocessor

__all__ = [
    'TextBPN', 'TextBPNHead', 'AdaptiveBoundaryDeformation',
    'TextBPNModuleLoss', 'BPNUpsampleNeck', 'TextBPNPostprocessor'
]
