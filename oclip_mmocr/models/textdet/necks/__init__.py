from .bpn_upsample_neck import BPNUpsampleNeck

__all__ = ['BPNUpsampleNeck']
