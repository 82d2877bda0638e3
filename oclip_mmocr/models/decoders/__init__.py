from .visual_textual_decoder import VisualTextualDecoder

__all__ = ['VisualTextualDecoder']
