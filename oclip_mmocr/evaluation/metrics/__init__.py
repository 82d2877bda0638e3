from .deteval_metric import (DETEVAL_SETTINGS, DetEvalMetric, coverage_tables,
                             deteval_credits, dont_care_detections)
from .gt_recognition_metric import GTRecognitionMetric
from .pretrain_metric import OCLIPPretrainMetric, recall_at_k
from .spotting_hmean_iou_metric import (LEXICON_MAX_DIST,
                                        SpottingHmeanIOUMetric,
                                        match_lexicon, read_lexicon,
                                        read_pairs, rrc_spotting_transcription,
                                        rrc_transcription_match,
                                        rrc_word_is_cared)
from .submission_hmean_iou_metric import (SubmissionHmeanIOUMetric,
                                          rounded_samples)

__all__ = [
    'DETEVAL_SETTINGS', 'DetEvalMetric', 'GTRecognitionMetric',
    'OCLIPPretrainMetric',
    'recall_at_k', 'coverage_tables',
    'deteval_credits', 'dont_care_detections', 'LEXICON_MAX_DIST',
    'SpottingHmeanIOUMetric', 'match_lexicon', 'read_lexicon', 'read_pairs',
    'rrc_spotting_transcription', 'rrc_transcription_match',
    'rrc_word_is_cared', 'SubmissionHmeanIOUMetric', 'rounded_samples'
]
