from .detectors.textbpn import TextBPN
from .heads.textbpn_head import TextBPNHead
from .layers import AdaptiveBoundaryDeformation
from .module_losses.textbpn_module_loss import TextBPNModuleLoss
from .necks.bpn_upsample_neck import BPNUpsampleNeck
from .postprocessors.textbpn_postprocessor import TextBPNPostprocessor

__all__ = [
    'TextBPN', 'TextBPNHead', 'AdaptiveBoundaryDeformation',
    'TextBPNModuleLoss', 'BPNUpsampleNeck', 'TextBPNPostprocessor'
]
