from .textbpn_head import TextBPNHead

__all__ = ['TextBPNHead']
