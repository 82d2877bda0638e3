# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Text drawn straight into a coverage strip, before it is placed."""
from typing import List, NamedTuple, Optional, Tuple

import numpy as np
from PIL import Image, ImageDraw

from .fonts import get_font


class Strip(NamedTuple):
    """Coverage in [0, 1] (``alpha``, ``(sh, sw)`` float32), the outline's
    coverage when a stroke is asked for (else ``None``), the box of the
    ink in strip coordinates ``(u0, v0, u1, v1)``: the annotation box, and
    each character's ink extent along the text ``(u0, u1)`` (None for
    spaces and characters without ink): the character boxes."""
    alpha: np.ndarray
    stroke: 'np.ndarray | None'
    box: Tuple[float, float, float, float]
    chars: Optional[List[Optional[Tuple[float, float]]]] = None


def _ink_span(ink: np.ndarray, a: float, b: float
              ) -> Optional[Tuple[float, float]]:
    """Columns with ink among ``[a, b)`` (a character's advance, one
    column of slack each side), pixel edges; None if there is none."""
    c0 = max(int(np.floor(a)) - 1, 0)
    c1 = min(int(np.ceil(b)) + 1, ink.shape[1])
    cols = np.nonzero(ink[:, c0:c1].max(0) > 0.25)[0] if c1 > c0 else []
    if not len(cols):
        return None
    return float(c0 + cols[0]), float(c0 + cols[-1] + 1)


def _char_spans(ink: np.ndarray, starts: List[float],
                ends: List[float], text: str
                ) -> List[Optional[Tuple[float, float]]]:
    """Per character, its ink between its advance bounds; neighbours share
    no column (where glyphs overlap, the boundary is the advances'
    midpoint)."""
    spans = [None if c.isspace() else _ink_span(ink, a, b)
             for c, a, b in zip(text, starts, ends)]
    for k in range(len(spans) - 1):
        if spans[k] is None or spans[k + 1] is None:
            continue
        if spans[k][1] > spans[k + 1][0]:
            mid = (ends[k] + starts[k + 1]) / 2
            spans[k] = (spans[k][0], max(min(spans[k][1], mid),
                                         spans[k][0] + 0.5))
            spans[k + 1] = (min(max(spans[k + 1][0], mid),
                                spans[k + 1][1] - 0.5), spans[k + 1][1])
    return spans


def _draw(text: str, font, pad: int, stroke: int):
    left, top, right, bottom = font.getbbox(text, stroke_width=stroke)
    w, h = right - left + 2 * pad, bottom - top + 2 * pad
    fill = Image.new('L', (w, h), 0)
    ImageDraw.Draw(fill).text((pad - left, pad - top), text, font=font,
                              fill=255)
    outline = None
    if stroke:
        outline = Image.new('L', (w, h), 0)
        ImageDraw.Draw(outline).text((pad - left, pad - top), text,
                                     font=font, fill=255,
                                     stroke_width=stroke, stroke_fill=255)
        outline = np.asarray(outline, np.float32) / 255.
    return np.asarray(fill, np.float32) / 255., outline


def _ink_box(alpha: np.ndarray) -> Tuple[float, float, float, float]:
    ys, xs = np.nonzero(alpha > 0.25)
    if not len(ys):
        return (0., 0., float(alpha.shape[1]), float(alpha.shape[0]))
    # Pixel edges, not centres: the box encloses the ink.
    return (float(xs.min()), float(ys.min()), float(xs.max() + 1),
            float(ys.max() + 1))


def horizontal_strip(text: str, font_path: str, size: int, stroke: int = 0,
                     spacing: float = 0., pad: int = 4) -> Strip:
    """``text`` on one line; ``spacing`` adds that fraction of the size
    between characters (signs are often letter-spaced)."""
    font = get_font(font_path, size)
    if spacing <= 0 or len(text) < 2:
        alpha, outline = _draw(text, font, pad, stroke)
        left = font.getbbox(text, stroke_width=stroke)[0]
        starts = [pad - left + font.getlength(text[:j])
                  for j in range(len(text))]
        ends = [pad - left + font.getlength(text[:j + 1])
                for j in range(len(text))]
    else:
        gap = int(round(spacing * size))
        glyphs = [_draw(c, font, 0, stroke) if c != ' ' else None
                  for c in text]
        asc, desc = font.getmetrics()
        # Characters share one baseline: draw each on a common canvas.
        advance = [font.getlength(c) for c in text]
        width = int(sum(advance) + gap * (len(text) - 1)) + 2 * pad + 2 * \
            stroke + 2
        height = asc + desc + 2 * pad + 2 * stroke
        fill = Image.new('L', (width, height), 0)
        outl = Image.new('L', (width, height), 0) if stroke else None
        x = pad + stroke
        starts, ends = [], []
        for c, adv, g in zip(text, advance, glyphs):
            starts.append(x)
            ends.append(x + adv)
            if g is not None:
                ImageDraw.Draw(fill).text((x, pad + stroke), c, font=font,
                                          fill=255)
                if outl is not None:
                    ImageDraw.Draw(outl).text((x, pad + stroke), c,
                                              font=font, fill=255,
                                              stroke_width=stroke,
                                              stroke_fill=255)
            x += adv + gap
        alpha = np.asarray(fill, np.float32) / 255.
        outline = None if outl is None else np.asarray(outl,
                                                       np.float32) / 255.
        alpha, outline = _crop_rows(alpha, outline, pad)
    ink = alpha if outline is None else np.maximum(alpha, outline)
    return Strip(alpha, outline, _ink_box(ink),
                 _char_spans(ink, starts, ends, text))


def _crop_rows(alpha, outline, pad):
    ink = alpha if outline is None else np.maximum(alpha, outline)
    ys = np.nonzero(ink.max(1) > 0)[0]
    if not len(ys):
        return alpha, outline
    y0, y1 = max(ys[0] - pad, 0), ys[-1] + pad + 1
    return alpha[y0:y1], None if outline is None else outline[y0:y1]


def vertical_strip(text: str, font_path: str, size: int, stroke: int = 0,
                   pad: int = 4) -> Strip:
    """Characters stacked top to bottom, each upright and centred (shop
    signs, spines). The strip is returned lying on its side: ``u`` runs
    down the column, so a placement rotated by +90 degrees stands it up."""
    font = get_font(font_path, size)
    cells = [_draw(c, font, 0, stroke) for c in text if c != ' ']
    gap = max(1, size // 8)
    col_w = max(g[0].shape[1] for g in cells)
    total = sum(g[0].shape[0] for g in cells) + gap * (len(cells) - 1)
    fill = np.zeros((total + 2 * pad, col_w + 2 * pad), np.float32)
    outl = np.zeros_like(fill) if stroke else None
    y = pad
    spans = []
    for alpha, outline in cells:
        h, w = alpha.shape
        spans.append((float(y), float(y + h)))
        x = pad + (col_w - w) // 2
        fill[y:y + h, x:x + w] = np.maximum(fill[y:y + h, x:x + w], alpha)
        if outl is not None:
            outl[y:y + h, x:x + w] = np.maximum(outl[y:y + h, x:x + w],
                                                outline)
        y += h + gap
    # Lie the column on its side, counter-clockwise: its top at u = 0, its
    # right side at v = 0, so the +90 degree placement restores it.
    # Row y of the column becomes column y of the strip: the spans hold.
    fill = np.ascontiguousarray(np.rot90(fill, 1))
    if outl is not None:
        outl = np.ascontiguousarray(np.rot90(outl, 1))
    ink = fill if outl is None else np.maximum(fill, outl)
    it = iter(spans)
    return Strip(fill, outl, _ink_box(ink),
                 [None if c == ' ' else next(it) for c in text])
