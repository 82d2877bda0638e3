# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""The character vocabulary of oCLIP's text side."""
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

from mmocr.models.common.dictionary import Dictionary

from mmocr.registry import TASK_UTILS

#: Reasons a word cannot be used for pretraining, as counted by
#: :meth:`OCLIPDictionary.check_word`.
SKIP_REASONS = ('ignored', 'empty', 'unknown_char')


def check_dict_file(dict_file: str, setting: Optional[str] = None) -> None:
    """A one-line FileNotFoundError naming the file and, when given, the
    config variable that sets it."""
    if not osp.isfile(dict_file):
        how = f'; set --cfg-options {setting}=FILE' if setting else ''
        hint = (' (tools/dataset_converters/lsvt_weak.py writes LSVT\'s)'
                if setting and 'lsvt' in setting else '')
        raise FileNotFoundError(
            f'dictionary file {dict_file} not found{hint}{how}')


@TASK_UTILS.register_module()
class CheckedDictionary(Dictionary):
    """MMOCR's recognition :class:`Dictionary`, failing with one line that
    names the missing file and the config variable that sets it.

    Args:
        dict_file (str): One character per line.
        setting (str, optional): The config variable (e.g. ``'lsvt_dict'``).
        **kwargs: See :class:`Dictionary`.
    """

    def __init__(self, dict_file: str, setting: Optional[str] = None,
                 **kwargs) -> None:
        check_dict_file(dict_file, setting)
        super().__init__(dict_file=dict_file, **kwargs)


@TASK_UTILS.register_module()
class OCLIPDictionary:
    """Character dictionary with the id layout of the released oCLIP models.

    ``pad = 0``, characters ``1..N``, ``mask = N + 1``, ``end_of_word = N + 2``
    (vocabulary size ``N + 3``). The default characters are the 94 printable
    ASCII characters (codes 33-126), which gives the released checkpoints'
    vocabulary of 97 ids. MMOCR's :class:`mmocr.models.Dictionary` puts the
    special tokens after the characters, so it cannot describe this layout.

    Args:
        dict_file (str, optional): A text file with one character per line
            (e.g. built from LSVT transcriptions by
            ``tools/dataset_converters/lsvt_weak.py``). Defaults to None,
            meaning printable ASCII.
        max_len (int): Character slots per word, the end-of-word token
            included. Defaults to 25.
        ignore_texts (Sequence[str]): Transcriptions that mean "illegible".
            Defaults to ``('###',)``.
        setting (str, optional): The config variable that chose
            ``dict_file`` (e.g. ``'lsvt_dict'``), named when it is missing.
    """

    def __init__(self,
                 dict_file: Optional[str] = None,
                 max_len: int = 25,
                 ignore_texts: Sequence[str] = ('###', ),
                 setting: Optional[str] = None) -> None:
        if dict_file is None:
            chars = [chr(c) for c in range(33, 127)]
        else:
            check_dict_file(dict_file, setting)
            chars = self._read_dict_file(dict_file)
        if max_len < 2:
            raise ValueError(f'max_len must be >= 2, got {max_len}')
        self.dict_file = dict_file
        self.chars: List[str] = chars
        self.max_len = max_len
        self.ignore_texts = frozenset(ignore_texts)
        self.char2id: Dict[str, int] = {c: i + 1 for i, c in enumerate(chars)}
        self.pad_id = 0
        self.mask_id = len(chars) + 1
        self.end_id = len(chars) + 2

    @staticmethod
    def _read_dict_file(dict_file: str) -> List[str]:
        chars: List[str] = []
        seen = set()
        with open(dict_file, encoding='utf-8') as f:
            for lineno, line in enumerate(f, 1):
                char = line.rstrip('\r\n')
                if char == '':
                    continue
                if len(char) != 1:
                    raise ValueError(f'{dict_file}:{lineno}: expected one '
                                     f'character per line, got {char!r}')
                if char in seen:
                    raise ValueError(
                        f'{dict_file}:{lineno}: duplicate character {char!r}')
                seen.add(char)
                chars.append(char)
        if not chars:
            raise ValueError(f'{dict_file}: the dictionary file is empty')
        return chars

    @property
    def num_classes(self) -> int:
        """Vocabulary size: characters plus pad, mask and end-of-word."""
        return len(self.chars) + 3

    def check_word(self, word: str) -> Optional[str]:
        """Return why ``word`` cannot be used (one of :data:`SKIP_REASONS`),
        or None if it can."""
        if word in self.ignore_texts:
            return 'ignored'
        if word.strip() == '':
            return 'empty'
        if any(c not in self.char2id for c in word):
            return 'unknown_char'
        return None

    def encode(self, word: str) -> Tuple[List[int], int]:
        """Encode a word into ``max_len`` ids.

        Words longer than ``max_len - 1`` characters are truncated so that the
        end-of-word token always fits (the released code does the same).

        Returns:
            tuple(list[int], int): The ``max_len`` ids and the number of
            character ids kept (before the end-of-word token).
        """
        try:
            ids = [self.char2id[c] for c in word[:self.max_len - 1]]
        except KeyError as e:
            raise ValueError(f'character {e.args[0]!r} of word {word!r} is '
                             'not in the dictionary') from None
        num_chars = len(ids)
        ids.append(self.end_id)
        ids.extend([self.pad_id] * (self.max_len - len(ids)))
        return ids, num_chars

    def decode_char(self, idx: int) -> str:
        """Map one id back to text; special ids become ``<pad>``, ``<mask>``
        and ``<eow>``."""
        if 1 <= idx <= len(self.chars):
            return self.chars[idx - 1]
        return {self.pad_id: '<pad>', self.mask_id: '<mask>',
                self.end_id: '<eow>'}.get(idx, '<unk>')
