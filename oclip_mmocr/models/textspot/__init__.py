from .char_segmentation import CharSegHead, decode_char_map
from .incremental_sar_decoder import IncrementalSARDecoder
from .mts_roi_head import MTSRoIHead
from .mts_spotter import MTSSpotter, OldSpotterCheckpointError
from .roi_heads import BoxScoreHead, RoIConvTower, TextMaskHead
from .roi_masking import (masked_roi_features, masked_word_features,
                          polygon_boxes, polygon_roi_masks, word_axis_rois)
from .spn_head import SPNHead
from .spn_module_loss import SPNModuleLoss
from .spn_postprocessor import SPNPostprocessor

__all__ = [
    'CharSegHead', 'decode_char_map', 'IncrementalSARDecoder', 'MTSRoIHead',
    'MTSSpotter', 'OldSpotterCheckpointError', 'RoIConvTower', 'TextMaskHead',
    'BoxScoreHead', 'masked_roi_features', 'masked_word_features',
    'word_axis_rois', 'polygon_boxes', 'polygon_roi_masks', 'SPNHead',
    'SPNModuleLoss', 'SPNPostprocessor'
]
