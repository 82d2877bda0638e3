from .boundary_deformation import AdaptiveBoundaryDeformation
from .polygon_sampling import (is_valid_polygon, mask_ring, resample_ring,
                               signed_area)

__all__ = [
    'AdaptiveBoundaryDeformation', 'is_valid_polygon', 'mask_ring',
    'resample_ring', 'signed_area'
]
