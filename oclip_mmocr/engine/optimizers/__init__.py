from .auto_amp import AutoMixedPrecisionOptimWrapper, pick_amp_dtype
from .summary_constructor import ParamwiseSummaryConstructor

__all__ = [
    'AutoMixedPrecisionOptimWrapper', 'ParamwiseSummaryConstructor',
    'pick_amp_dtype'
]
