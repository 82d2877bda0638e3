# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
import random
from typing import Dict, Optional, Union

import numpy as np
from mmcv.transforms import BaseTransform
from mmengine.logging import print_log

from mmocr.registry import TASK_UTILS, TRANSFORMS
from ...models.char_dictionary import OCLIPDictionary
from ..image_text_dataset import stable_unit_hash


def _build_dictionary(
        dictionary: Union[Dict, OCLIPDictionary]) -> OCLIPDictionary:
    if isinstance(dictionary, OCLIPDictionary):
        return dictionary
    return TASK_UTILS.build(dictionary)


@TRANSFORMS.register_module()
class SampleWords(BaseTransform):
    """Keep at most ``max_words`` usable words of an image.

    Words the dictionary cannot use (``###``, empty, unknown characters) are
    skipped; :class:`OCLIPDataset` already removes them at build time, so this
    only matters for other datasets. Skips are counted in
    ``self.skip_counts`` and logged the first time each reason occurs.

    Required keys: ``instances`` (list of dicts with ``text``).
    Added keys: ``words`` (list[str]).

    Args:
        max_words (int): Words kept per image; the paper uses 3, the
            released code 32. Defaults to 3.
        shuffle (bool): Draw a fresh random subset every time (paper).
            False keeps the first ``max_words`` in annotation order (released
            code). Defaults to True.
        dictionary (dict | OCLIPDictionary): Decides which words are usable.
    """

    def __init__(self,
                 max_words: int = 3,
                 shuffle: bool = True,
                 dictionary: Union[Dict, OCLIPDictionary] = dict(
                     type='OCLIPDictionary')) -> None:
        if max_words < 1:
            raise ValueError(f'max_words must be >= 1, got {max_words}')
        self.max_words = max_words
        self.shuffle = shuffle
        self.dictionary = _build_dictionary(dictionary)
        self.skip_counts: Dict[str, int] = {}

    def transform(self, results: Dict) -> Optional[Dict]:
        words = []
        for inst in results.get('instances', []):
            text = inst.get('text', '')
            reason = 'ignored' if inst.get('ignore') else \
                self.dictionary.check_word(text)
            if reason is None:
                words.append(text)
                continue
            if reason not in self.skip_counts:
                print_log(
                    f'SampleWords: skipping word {text!r} of '
                    f'{results.get("img_path")} ({reason}); further skips '
                    'for this reason are only counted',
                    logger='current')
            self.skip_counts[reason] = self.skip_counts.get(reason, 0) + 1
        if not words:
            # Returning None makes the dataset fetch another image.
            print_log(
                f'SampleWords: {results.get("img_path")} has no usable word;'
                ' another image is drawn instead',
                logger='current', level=30)
            return None
        if len(words) > self.max_words:
            words = random.sample(words, self.max_words) if self.shuffle \
                else words[:self.max_words]
        elif self.shuffle:
            random.shuffle(words)
        results['words'] = words
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(max_words={self.max_words}, '
                f'shuffle={self.shuffle})')


@TRANSFORMS.register_module()
class MaskCharacters(BaseTransform):
    """Encode each word and mask exactly one random character.

    Words are truncated to ``max_len - 1`` characters so the end-of-word
    token always fits. The masked position is drawn afresh every call among
    the kept characters (never the end-of-word slot).

    Required keys: ``words``.
    Added keys: ``gt_tokens`` ``(n, max_len)`` int64 ids with the mask id at
    the masked position, ``gt_chars`` ``(n,)`` the ids that were masked,
    ``mask_positions`` ``(n,)``.

    Args:
        dictionary (dict | OCLIPDictionary): The character dictionary.
        seed (int, optional): Fix the masked position of each word by
            ``seed``, the image path and the word's index (validation:
            every evaluation masks the same characters). None (training)
            draws afresh every call.
    """

    def __init__(self,
                 dictionary: Union[Dict, OCLIPDictionary] = dict(
                     type='OCLIPDictionary'),
                 seed: Optional[int] = None) -> None:
        self.dictionary = _build_dictionary(dictionary)
        self.seed = seed

    def transform(self, results: Dict) -> Dict:
        words = results['words']
        n, length = len(words), self.dictionary.max_len
        tokens = np.zeros((n, length), dtype=np.int64)
        chars = np.zeros(n, dtype=np.int64)
        positions = np.zeros(n, dtype=np.int64)
        for i, word in enumerate(words):
            try:
                ids, num_chars = self.dictionary.encode(word)
            except ValueError as e:
                raise ValueError(f'{results.get("img_path")}: {e}') from None
            if num_chars == 0:
                raise ValueError(
                    f'{results.get("img_path")}: empty word cannot be masked')
            if self.seed is None:
                pos = random.randrange(num_chars)
            else:
                key = f'{results.get("img_path")}:{i}:{word}'
                pos = int(stable_unit_hash(self.seed, key) * num_chars)
            chars[i] = ids[pos]
            ids[pos] = self.dictionary.mask_id
            tokens[i] = ids
            positions[i] = pos
        results['gt_tokens'] = tokens
        results['gt_chars'] = chars
        results['mask_positions'] = positions
        return results
