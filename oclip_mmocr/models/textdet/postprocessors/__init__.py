from .simple_polygon_postprocessors import (SimplePolygonsMixin,
                                            ValidDBPostprocessor,
                                            ValidFCEPostprocessor,
                                            ValidPSEPostprocessor)
from .textbpn_postprocessor import TextBPNPostprocessor

__all__ = [
    'SimplePolygonsMixin', 'TextBPNPostprocessor', 'ValidDBPostprocessor',
    'ValidFCEPostprocessor', 'ValidPSEPostprocessor'
]
