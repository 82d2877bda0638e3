from .spotting_hmean_iou_metric import (SpottingHmeanIOUMetric, read_lexicon,
                                   rrc_transcription_match,
                                   rrc_word_is_cared, snap_to_lexicon)

__all__ = [
    'SpottingHmeanIOUMetric', 'read_lexicon', 'rrc_transcription_match',
    'rrc_word_is_cared', 'snap_to_lexicon'
]
