from .attention_pool import AttentionPool2d
from .image_encoder import OCLIPImageEncoder
from .text_encoder import CharTextEncoder, WordTextEncoder

__all__ = [
    'AttentionPool2d', 'OCLIPImageEncoder', 'CharTextEncoder',
    'WordTextEncoder'
]
