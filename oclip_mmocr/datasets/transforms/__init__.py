from .pack_inputs import PackOCLIPInputs
from .random_resized_crop import RandomResizedCrop
from .text_crop import TextSpotRandomCrop
from .word_transforms import MaskCharacters, SampleWords

__all__ = [
    'PackOCLIPInputs', 'RandomResizedCrop', 'MaskCharacters', 'SampleWords',
    'TextSpotRandomCrop'
]
