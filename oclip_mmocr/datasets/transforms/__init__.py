from .pack_inputs import PackOCLIPInputs
from .random_resized_crop import RandomResizedCrop
from .word_transforms import MaskCharacters, SampleWords

__all__ = [
    'PackOCLIPInputs', 'RandomResizedCrop', 'MaskCharacters', 'SampleWords'
]
