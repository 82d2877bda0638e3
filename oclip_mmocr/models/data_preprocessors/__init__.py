from .oclip_preprocessor import OCLIPDataPreprocessor

__all__ = ['OCLIPDataPreprocessor']
