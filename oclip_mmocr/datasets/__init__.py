from .image_text_dataset import OCLIPDataset
from .synthetic_dataset import SyntheticOCLIPDataset
from .transforms import *  # noqa: F401,F403

__all__ = ['OCLIPDataset', 'SyntheticOCLIPDataset']
