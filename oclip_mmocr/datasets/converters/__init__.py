from .lsvt import convert_lsvt_full, convert_lsvt_weak, write_dict_file
from .released_dict import read_released_char_dict
from .synthtext import convert_synthtext

__all__ = [
    'convert_lsvt_full', 'convert_lsvt_weak', 'write_dict_file',
    'convert_synthtext', 'read_released_char_dict'
]
