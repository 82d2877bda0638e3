from .incremental_sar_decoder import IncrementalSARDecoder
from .mts_spotter import MTSSpotter
from .roi_heads import BoxScoreHead, TextMaskHead
from .roi_masking import (masked_roi_features, masked_word_features,
                          polygon_boxes, polygon_roi_masks, word_axis_rois)
from .spn import SegmentationProposalNetwork

__all__ = [
    'IncrementalSARDecoder', 'MTSSpotter', 'TextMaskHead', 'BoxScoreHead',
    'masked_roi_features', 'masked_word_features', 'word_axis_rois',
    'polygon_boxes', 'polygon_roi_masks', 'SegmentationProposalNetwork'
]
