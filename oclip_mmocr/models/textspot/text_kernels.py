# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Shrunk text kernels: the SPN's target and how a proposal is read back.

A word polygon of area ``A`` and perimeter ``L`` is shrunk by
``d = A (1 - r^2) / L`` (PSENet/DBNet's rule, ``r`` the shrink ratio). The
target map holds, per map pixel, the *fraction of the pixel the kernel
covers* (area coverage, by supersampling): at stride 4 a 6 px tall word has a
kernel under one map pixel thick, and a binary map would round it to zero or
one row, losing its size. From a map the kernel is read back as a connected
component: its area is the sum of the probabilities (over the component and
one pixel around it, where the kernel's edge is), its shape the component's
outer contour moved to that area, and the word is that kernel expanded by
the ``d`` that solves the shrink rule backwards. For a rectangle ``w x h``
the kernel is ``(w - 2d) x (h - 2d)``, so with the kernel's area ``A'`` and
perimeter ``L'``::

    A = A' + L' d + 4 d^2,  L = L' + 8 d,  d = k A / L,  k = 1 - r^2
    =>  (8 - 4k) d^2 + (1 - k) L' d - k A' = 0

which is exact for rectangles at any aspect ratio (a fixed unclip ratio
``A' ratio / L'`` is right for one aspect ratio only: DBNet's 1.5 covers
65-80% of long words). Coordinates are map pixels throughout (see
:mod:`oclip_mmocr.models.layers.pixel_grid`).
"""
from typing import List, Optional, Sequence, Tuple

import cv2
import numpy as np
import pyclipper

# Fixed-point scale for pyclipper, which works in integers.
_CLIP = 64


def polygon_area_perimeter(points: np.ndarray) -> Tuple[float, float]:
    pts = np.asarray(points, np.float32).reshape(-1, 2)
    if len(pts) < 2:
        return 0., 0.
    return abs(float(cv2.contourArea(pts))), float(cv2.arcLength(pts, True))


def offset_outline(points: np.ndarray, delta: float,
            closed_line: bool = False) -> Optional[np.ndarray]:
    """``points`` moved outwards by ``delta`` (inwards if negative), mitred
    corners; the largest resulting polygon or None. ``closed_line`` offsets
    the outline itself, which also works for zero-area outlines (a one-row
    kernel's contour runs along the row and back)."""
    pc = pyclipper.PyclipperOffset()
    path = np.round(np.asarray(points, np.float64) * _CLIP).astype(np.int64)
    pc.AddPath(path.tolist(), pyclipper.JT_MITER,
               pyclipper.ET_CLOSEDLINE if closed_line else
               pyclipper.ET_CLOSEDPOLYGON)
    out = pc.Execute(delta * _CLIP)
    if not out:
        return None
    best = max(out, key=lambda p: abs(pyclipper.Area(p)))
    return np.asarray(best, np.float64) / _CLIP


def shrink_polygon(points: np.ndarray,
                   shrink_ratio: float) -> Optional[np.ndarray]:
    """The kernel of a word polygon ``(K, 2)``, or None when nothing is
    left."""
    area, peri = polygon_area_perimeter(points)
    if area <= 0 or peri <= 0:
        return None
    kernel = offset_outline(points, -area * (1 - shrink_ratio**2) / peri)
    return kernel if kernel is not None and len(kernel) >= 3 else None


def kernel_coverage(polygons: Sequence[np.ndarray], size: Tuple[int, int],
                    supersample: int = 8) -> np.ndarray:
    """Fraction of each pixel of an ``(H, W)`` map covered by the polygons
    (map-pixel coordinates, pixel ``j`` spanning ``[j - .5, j + .5]``).

    Drawn at ``supersample`` x the resolution with 4 fractional bits of
    vertex precision, then averaged over each pixel's block.
    """
    h, w = size
    f = supersample
    fine = np.zeros((h * f, w * f), np.uint8)
    shift = 4
    for poly in polygons:
        pts = (np.asarray(poly, np.float64) + 0.5) * f - 0.5
        cv2.fillPoly(fine, [np.round(pts * (1 << shift)).astype(np.int32)],
                     1, lineType=cv2.LINE_8, shift=shift)
    return fine.reshape(h, f, w, f).mean((1, 3), dtype=np.float32)


def expand_kernel(contour: np.ndarray, area: float, shrink_ratio: float,
                  margin: float = 0.) -> Optional[np.ndarray]:
    """Invert the shrink: the word whose kernel has outline ``contour``
    ``(K, 2)`` and area ``area`` (map pixels), grown by ``margin`` more.

    The contour is first moved (to first order) so that it encloses
    ``area``: thresholding a coverage map draws the outline through pixel
    centres, off the kernel's true edge by up to a pixel.
    """
    c_area, c_peri = polygon_area_perimeter(contour)
    if c_peri <= 0:  # a single pixel
        contour = np.concatenate([contour, contour + 1e-3])
        c_peri = 0.
    to_area = (area - c_area) / c_peri if c_peri > 0 else np.sqrt(area) / 2
    kernel_peri = max(c_peri + 8 * to_area, 0.)
    k = 1 - shrink_ratio**2
    a, b, c = 8 - 4 * k, (1 - k) * kernel_peri, -k * area
    d = (-b + np.sqrt(b * b - 4 * a * c)) / (2 * a)
    return offset_outline(contour, to_area + d + margin, closed_line=True)


def kernel_proposals(prob: np.ndarray, shrink_ratio: float, bin_thr: float,
                     margin: float = 0., min_area: float = 0.
                     ) -> Tuple[List[np.ndarray], List[float]]:
    """Words from one kernel probability map ``(H, W)``.

    Args:
        prob: Predicted kernel coverage.
        shrink_ratio: The ``r`` the targets were shrunk with.
        bin_thr: Pixels above it form the components.
        margin: Extra growth, map pixels.
        min_area: Smallest kernel area kept, map pixels (by probability
            mass, so a one-row kernel counts).

    Returns:
        tuple: word polygons ``(K, 2)`` in map pixels, and each component's
        mean probability.
    """
    binary = (prob > bin_thr).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(
        binary, connectivity=8)
    h, w = prob.shape
    grow = np.ones((3, 3), np.uint8)
    polys, scores = [], []
    for i in range(1, n):
        x, y, bw, bh, _ = stats[i]
        # The component and its one-pixel rim, where the kernel's edge lies.
        y0, x0 = max(y - 1, 0), max(x - 1, 0)
        y1, x1 = min(y + bh + 1, h), min(x + bw + 1, w)
        comp = (labels[y0:y1, x0:x1] == i).astype(np.uint8)
        rim = cv2.dilate(comp, grow) > 0
        area = float(prob[y0:y1, x0:x1][rim].sum())
        if area < max(min_area, 1e-6):
            continue
        contours, _ = cv2.findContours(comp, cv2.RETR_EXTERNAL,
                                       cv2.CHAIN_APPROX_SIMPLE)
        contour = max(contours, key=len).reshape(-1, 2).astype(np.float64)
        poly = expand_kernel(contour + (x0, y0), area, shrink_ratio, margin)
        if poly is None or len(poly) < 3:
            continue
        polys.append(poly)
        scores.append(float(prob[y0:y1, x0:x1][comp > 0].mean()))
    return polys, scores
