from .e2e_hmean_iou_metric import (E2EHmeanIOUMetric, read_lexicon,
                                   rrc_transcription_match,
                                   rrc_word_is_cared, snap_to_lexicon)

__all__ = [
    'E2EHmeanIOUMetric', 'read_lexicon', 'rrc_transcription_match',
    'rrc_word_is_cared', 'snap_to_lexicon'
]
