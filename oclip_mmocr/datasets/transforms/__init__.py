from .bpe_words import BPETokenizeWords
from .char_polygons import PackTextSpotInputs, WithCharPolygons
from .pack_inputs import PackOCLIPInputs
from .random_resized_crop import RandomResizedCrop
from .text_crop import TextSpotRandomCrop
from .word_transforms import MaskCharacters, SampleWords

__all__ = [
    'BPETokenizeWords', 'PackTextSpotInputs', 'WithCharPolygons', 'PackOCLIPInputs', 'RandomResizedCrop', 'MaskCharacters', 'SampleWords',
    'TextSpotRandomCrop'
]
