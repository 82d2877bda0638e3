# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""The released code's character dictionary -> our dictionary file.

bytedance/oclip reads its character list (``--char_dict_pth``) as a pickled
list of Unicode code points, character ``i`` (from 0) having id ``i + 1``,
then the mask and end-of-word ids: exactly :class:`OCLIPDictionary`'s layout
for a file listing the same characters in the same order.
"""
import pickle
from typing import List


class _ListOfIntsUnpickler(pickle.Unpickler):
    """A list of integers needs no class or function: refuse every global,
    so that a pickle that would run code cannot."""

    def find_class(self, module: str, name: str):
        raise pickle.UnpicklingError(
            f'it refers to {module}.{name}; a character dictionary is a '
            'plain list of integers')


def read_released_char_dict(path: str) -> List[str]:
    """The characters of a released pickled code-point list, in id order.

    Raises:
        ValueError: naming the file and the problem: not a pickle, a pickle
            that needs code, not a list of code points, a duplicate, or a
            line break (a dictionary file holds one character per line).
    """
    try:
        with open(path, 'rb') as f:
            points = _ListOfIntsUnpickler(f).load()
    except FileNotFoundError:
        raise FileNotFoundError(f'{path}: no such file') from None
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError,
            IndexError) as e:
        raise ValueError(f'{path}: not a pickled character list ({e})') \
            from None
    if not isinstance(points, (list, tuple)) or not points:
        raise ValueError(f'{path}: expected a non-empty list of code points, '
                         f'got {type(points).__name__}')
    chars, seen = [], {}
    for i, p in enumerate(points):
        if isinstance(p, bool) or not isinstance(p, int) or not (
                0 < p <= 0x10FFFF):
            raise ValueError(f'{path}: entry {i} is {p!r}, not a code point')
        c = chr(p)
        if 0xD800 <= p <= 0xDFFF:
            raise ValueError(f'{path}: entry {i} is U+{p:04X}, a lone '
                             'surrogate: half of a UTF-16 pair, not a '
                             'character (a UTF-8 file cannot hold it)')
        if c in '\r\n':
            raise ValueError(f'{path}: entry {i} is a line break (U+{p:04X}), '
                             'which a one-character-per-line file cannot '
                             'hold')
        if c in seen:
            raise ValueError(f'{path}: entries {seen[c]} and {i} are both '
                             f'{c!r} (U+{p:04X})')
        seen[c] = i
        chars.append(c)
    return chars
