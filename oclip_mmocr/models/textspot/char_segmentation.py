# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Mask TextSpotter's character segmentation: per-cell character classes in
each word's oriented RoI, its targets from character boxes, and the
pixel-voting read-back.

Maps live in the recogniser's grid (:func:`.roi_masking.word_axis_rois`:
``x`` along the word, left to right), upsampled twice by the head, so
reading order is the order of the characters' centres along ``x``. Class 0
is the background, class ``k + 1`` the dictionary's index ``k``.

Where the papers leave it open, what we chose: each character box is shrunk
about its centre to ``shrink`` of its width and height (0.5: adjacent
characters stay apart in the map down to two cells per character, a
32-character word); a read-back component is the 8-connected set of cells
whose foreground probability ``1 - p(background)`` exceeds ``fg_thr``
(0.5); its class is the one with the largest summed probability over it
(Mask TextSpotter's pixel voting) and its score the mean probability of that
class there.
"""
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np
import torch

from mmocr.registry import MODELS
from .roi_heads import TextMaskHead
from .roi_masking import cells_inside, to_word_axis_cells

IGNORE = -100


def shrink_about_centre(points: np.ndarray, shrink: float) -> np.ndarray:
    """``(K, 2)`` points moved towards their mean by ``1 - shrink``."""
    pts = np.asarray(points, np.float64).reshape(-1, 2)
    c = pts.mean(0)
    return c + (pts - c) * shrink


def char_seg_targets(char_polygons: Sequence[Optional[Sequence]],
                     char_labels: Sequence[Optional[Sequence[int]]],
                     rois: np.ndarray, size: Tuple[int, int],
                     shrink: float = 0.5) -> np.ndarray:
    """Class of each cell of each oriented RoI.

    Args:
        char_polygons: Per RoI, its word's character polygons (flat, input
            pixels), or None where the data has no character boxes.
        char_labels: Per RoI, each character's class (dictionary index + 1).
        rois: ``(K, 5)`` oriented RoIs (:func:`word_axis_rois`).
        size: ``(h, w)`` of the map.
        shrink: Linear shrink of each character box.

    Returns:
        np.ndarray: ``(K, h, w)`` int64: 0 background, ``k + 1`` the
        character of dictionary index ``k``, :data:`IGNORE` for every cell
        of RoIs without character boxes.
    """
    out = np.full((len(rois), *size), IGNORE, np.int64)
    for i, (polys, labels, roi) in enumerate(
            zip(char_polygons, char_labels, rois)):
        if polys is None:
            continue
        out[i] = 0
        for poly, label in zip(polys, labels):
            cells = to_word_axis_cells(
                shrink_about_centre(poly, shrink), roi, size)
            out[i][cells_inside(cells, size) > 0] = label
    return out


def decode_char_map(probs: np.ndarray, idx2char: Callable[[int], str],
                    fg_thr: float = 0.5) -> Tuple[str, float]:
    """Pixel voting: the word read from one map ``(C, h, w)`` of class
    probabilities (class 0 the background), and its score (mean over the
    characters); ``('', 0.)`` when nothing is above ``fg_thr``.

    ``idx2char(k)`` gives the character of class ``k`` (``k >= 1``), or ''
    for classes that are no character (the dictionary's special tokens).
    """
    fg = (1 - probs[0] > fg_thr).astype(np.uint8)
    n, labels, _, centroids = cv2.connectedComponentsWithStats(
        fg, connectivity=8)
    chars = []
    for k in range(1, n):
        cells = labels == k
        votes = probs[1:, cells].sum(1)
        cls = int(votes.argmax()) + 1
        char = idx2char(cls)
        if char:
            chars.append((centroids[k][0], char,
                          float(probs[cls, cells].mean())))
    if not chars:
        return '', 0.
    chars.sort(key=lambda c: c[0])
    return ''.join(c[1] for c in chars), float(np.mean([c[2]
                                                        for c in chars]))


@MODELS.register_module()
class CharSegHead(TextMaskHead):
    """Character segmentation logits in a word's oriented RoI: ``(K, C_in,
    h, w) -> (K, num_classes, 2h, 2w)``, ``num_classes`` = the recogniser's
    dictionary size + 1 (background), set by :class:`MTSRoIHead`; the mask
    head's layers (:class:`TextMaskHead`) with one output per class.
    """

    def __init__(self, in_channels: int = 128, channels: int = 128,
                 num_convs: int = 2, num_classes: int = 2,
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(in_channels, channels, num_convs, num_classes,
                         init_cfg)


def balance_weights(targets: torch.Tensor) -> torch.Tensor:
    """Per-cell loss weights balancing characters against background
    within each RoI (Mask TextSpotter, ECCV 2018: character cells weigh
    ``N_background / N_character``, background cells 1); 0 where ignored.

    Shapes: targets ``(K, h, w)``; output ``(K, h, w)`` float.
    """
    valid = targets != IGNORE
    fg = (targets > 0) & valid
    n_fg = fg.flatten(1).sum(1).float()
    n_bg = (valid & ~fg).flatten(1).sum(1).float()
    ratio = torch.where(n_fg > 0, n_bg / n_fg.clamp(min=1),
                        torch.zeros_like(n_fg))
    w = torch.where(fg, ratio[:, None, None].expand_as(targets).float(),
                    valid.float())
    return w


def chars_of(text: str) -> List[str]:
    """The characters a word's character boxes stand for: every character
    but spaces (SynthText's ``charBB`` convention)."""
    return [c for c in text if not c.isspace()]
