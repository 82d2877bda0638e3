from .image_text_dataset import OCLIPDataset
from .samplers import ResumableSampler
from .synthetic_dataset import SyntheticOCLIPDataset
from .synthetic_textdet_dataset import SyntheticTextDetDataset
from .transforms import *  # noqa: F401,F403

__all__ = [
    'OCLIPDataset', 'ResumableSampler', 'SyntheticOCLIPDataset',
    'SyntheticTextDetDataset'
]
