from .textbpn import TextBPN

__all__ = ['TextBPN']
