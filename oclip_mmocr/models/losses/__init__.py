from .contrastive_loss import BatchContrastiveLoss
from .masked_char_loss import MaskedCharLoss

__all__ = ['BatchContrastiveLoss', 'MaskedCharLoss']
