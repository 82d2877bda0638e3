# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""What both renderers (``renderer.py``'s ``basic`` profile and
``scene.py``'s realistic profiles) draw: the words and a text colour that
stands out from its background."""
from typing import Tuple

import numpy as np

# Short, common words keep the character statistics realistic; random
# alphanumeric strings (see :func:`random_word`) add digits, capitals and rare
# letters.
WORDS = (
    'open close exit enter push pull stop slow park free sale hotel bank '
    'coffee pizza bread market street road avenue station metro taxi bus '
    'train airport garden museum library school office police fire water '
    'city center north south east west left right speed limit one way no '
    'entry danger caution welcome home shop store price total cash card '
    'menu drink food fresh fruit milk tea beer wine bar club music live '
    'show cinema ticket gate door floor level room toilet lift stairs '
    'hospital pharmacy doctor dental clinic beauty hair salon fashion '
    'shoes books gift toys games phone repair service parking only staff '
    'private quiet please thank you sorry hello world news daily star sun '
    'moon river lake park bridge tower hill valley green blue red yellow '
    'black white gold silver king queen royal grand best new old big small '
    'happy lucky super mega ultra smart quick easy fast great good time'
).split()
_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'


def random_word(rng: np.random.Generator) -> str:
    """A dictionary word (upper, capitalised or lower case), a random
    alphanumeric string or a number."""
    r = rng.random()
    if r < 0.65:
        word = WORDS[rng.integers(len(WORDS))]
        style = rng.random()
        if style < 0.3:
            return word.upper()
        if style < 0.55:
            return word.capitalize()
        return word
    if r < 0.85:
        return ''.join(_ALNUM[i] for i in rng.integers(0, 62, rng.integers(
            3, 9)))
    return str(rng.integers(10, 99999))


def luminance(rgb) -> float:
    """BT.601 luma weights applied in the order the channels come in (the
    scene renderer passes BGR): only differences between two colours of one
    image are compared, as both renderers always did."""
    return float(np.dot(rgb, (0.299, 0.587, 0.114)))


def contrasting_colour(rng: np.random.Generator, bg: np.ndarray, lo: float,
                       hi: float, tries: int) -> Tuple[np.ndarray, float]:
    """A random colour whose luminance differs from ``bg``'s by ``lo`` to
    ``hi``, and that difference; after ``tries`` misses, black or white,
    whichever stands out."""
    bg_lum = luminance(bg)
    for _ in range(tries):
        c = rng.integers(0, 256, 3).astype(np.float32)
        d = abs(luminance(c) - bg_lum)
        if lo <= d <= hi:
            return c, d
    c = np.full(3, 0. if bg_lum > 127 else 255., np.float32)
    return c, abs(luminance(c) - bg_lum)
