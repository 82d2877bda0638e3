from .generate import generate_synthetic_split
from .renderer import render_text_image

__all__ = ['generate_synthetic_split', 'render_text_image']
