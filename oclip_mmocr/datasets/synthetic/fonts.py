# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""TrueType faces that ship with our dependencies (nothing is downloaded).

Matplotlib carries DejaVu Sans / Serif / Mono in several weights, STIX and
the Computer Modern faces; which characters each face can draw is read from
its character map (fontTools, a Matplotlib dependency), so a word is only
ever drawn in a face that has all of its glyphs. Pillow's built-in face is
the fallback when Matplotlib's files are missing.
"""
import functools
import os.path as osp
from importlib.util import find_spec
from typing import FrozenSet, List, Optional, Tuple

from PIL import ImageFont

# Regular/bold/italic of each family; symbol-only and display faces are
# left out (no Latin letters, or meant for huge sizes only).
FONT_FILES: Tuple[str, ...] = (
    'DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf',
    'DejaVuSans-BoldOblique.ttf', 'DejaVuSansMono.ttf',
    'DejaVuSansMono-Bold.ttf', 'DejaVuSerif.ttf', 'DejaVuSerif-Bold.ttf',
    'DejaVuSerif-Italic.ttf', 'DejaVuSerif-BoldItalic.ttf',
    'STIXGeneral.ttf', 'STIXGeneralBol.ttf', 'STIXGeneralItalic.ttf',
    'STIXGeneralBolIta.ttf', 'cmr10.ttf', 'cmss10.ttf', 'cmtt10.ttf',
    'cmb10.ttf', 'cmti10.ttf')
PILLOW_DEFAULT = '<pillow-default>'


def _matplotlib_font_dir() -> Optional[str]:
    spec = find_spec('matplotlib')
    if spec is None or not spec.submodule_search_locations:
        return None
    path = osp.join(spec.submodule_search_locations[0], 'mpl-data', 'fonts',
                    'ttf')
    return path if osp.isdir(path) else None


@functools.lru_cache(maxsize=None)
def available_fonts() -> Tuple[str, ...]:
    """Paths of the faces of :data:`FONT_FILES` present here, in that order
    (so that a font index means the same face on every machine with the same
    Matplotlib), or ``(PILLOW_DEFAULT, )``."""
    root = _matplotlib_font_dir()
    found = [] if root is None else [
        osp.join(root, name) for name in FONT_FILES
        if osp.isfile(osp.join(root, name))
    ]
    return tuple(found) or (PILLOW_DEFAULT, )


@functools.lru_cache(maxsize=None)
def font_charset(path: str) -> Optional[FrozenSet[str]]:
    """Characters ``path`` has glyphs for (``None``: unknown, assume all)."""
    if path == PILLOW_DEFAULT:
        return None
    try:
        from fontTools.ttLib import TTFont
    except ImportError:
        return None
    cmap = TTFont(path, lazy=True).getBestCmap() or {}
    return frozenset(chr(c) for c in cmap)


def can_draw(path: str, text: str) -> bool:
    charset = font_charset(path)
    return charset is None or all(c in charset or c == ' ' for c in text)


@functools.lru_cache(maxsize=512)
def get_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    """A face at ``size`` pixels (em size), cached per process."""
    if path == PILLOW_DEFAULT:
        return ImageFont.load_default(size=size)
    return ImageFont.truetype(path, size=size)


def fonts_for(text: str) -> List[str]:
    return [p for p in available_fonts() if can_draw(p, text)]
