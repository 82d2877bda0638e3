from .simple_polygon_postprocessors import (SimplePolygonsMixin,
                                            ValidDBPostprocessor,
                                            ValidFCEPostprocessor,
                                            ValidPSEPostprocessor)
from .official_pse_postprocessor import OfficialPSEPostprocessor
from .textbpn_postprocessor import TextBPNPostprocessor

__all__ = [
    'OfficialPSEPostprocessor', 'SimplePolygonsMixin', 'TextBPNPostprocessor',
    'ValidDBPostprocessor', 'ValidFCEPostprocessor', 'ValidPSEPostprocessor'
]
