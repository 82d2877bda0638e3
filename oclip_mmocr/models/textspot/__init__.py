from .mts_spotter import MTSSpotter
from .roi_heads import TextMaskHead, TextScoreHead
from .roi_masking import (masked_roi_features, polygon_boxes,
                          polygon_roi_masks)
from .spn import SegmentationProposalNetwork

__all__ = [
    'MTSSpotter', 'TextMaskHead', 'TextScoreHead', 'masked_roi_features',
    'polygon_boxes', 'polygon_roi_masks', 'SegmentationProposalNetwork'
]
