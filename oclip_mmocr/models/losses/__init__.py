from .batch_dice_loss import BatchDiceLoss
from .contrastive_loss import BatchContrastiveLoss
from .masked_char_loss import MaskedCharLoss

__all__ = ['BatchDiceLoss', 'BatchContrastiveLoss', 'MaskedCharLoss']
