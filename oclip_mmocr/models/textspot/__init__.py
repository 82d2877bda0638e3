from .mts_spotter import MTSSpotter
from .roi_heads import (BoxScoreHead, TextMaskHead, decode_boxes,
                        encode_boxes)
from .roi_masking import (masked_roi_features, polygon_boxes,
                          polygon_roi_masks)
from .spn import SegmentationProposalNetwork

__all__ = [
    'MTSSpotter', 'TextMaskHead', 'BoxScoreHead', 'decode_boxes',
    'encode_boxes', 'masked_roi_features',
    'polygon_boxes', 'polygon_roi_masks', 'SegmentationProposalNetwork'
]
