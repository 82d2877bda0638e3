from .summary_constructor import ParamwiseSummaryConstructor

__all__ = ['ParamwiseSummaryConstructor']
