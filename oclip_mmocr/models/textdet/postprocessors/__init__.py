from .textbpn_postprocessor import TextBPNPostprocessor

__all__ = ['TextBPNPostprocessor']
