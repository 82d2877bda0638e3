from .textbpn_module_loss import TextBPNModuleLoss

__all__ = ['TextBPNModuleLoss']
