from .bpn_upsample_neck import BPNUpsampleNeck
from .width_fpnf import WidthFPNF

__all__ = ['BPNUpsampleNeck', 'WidthFPNF']
