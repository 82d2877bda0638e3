from .metrics import *  # noqa: F401,F403
from .protocol_scores import (OFFICIAL_DET, hmean_at, official_scores,
                              score_predictions, spotting_scores)

__all__ = [
    'OFFICIAL_DET', 'hmean_at', 'official_scores', 'score_predictions',
    'spotting_scores'
]
