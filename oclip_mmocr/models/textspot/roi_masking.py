# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Hard RoI masking (Mask TextSpotter v3): RoIAlign features of a proposal's
box, multiplied by the proposal polygon rasterised into the RoI grid, so the
background and neighbouring text inside the box are suppressed.

RoIAlign runs with ``aligned=False``: feature pixel ``j`` of a stride-``s``
map sits on input pixel ``s * j`` (see
:mod:`oclip_mmocr.models.layers.pixel_grid`), and a bin centred on input
``x`` samples the map at ``x / s``; ``aligned=True`` would read it half a
feature pixel (2 px at stride 4) off."""
from typing import Optional, Sequence, Tuple

import cv2
import numpy as np
import shapely
import torch
from mmcv.ops import roi_align, roi_align_rotated
from shapely.geometry import Polygon

from mmocr.utils import poly2bbox


def polygon_boxes(polygons: Sequence[np.ndarray]) -> np.ndarray:
    """``(K, 4)`` x1, y1, x2, y2 of flat polygons (MMOCR's ``poly2bbox``),
    at least 1 px wide and tall: RoIAlign needs a non-empty box."""
    out = np.zeros((len(polygons), 4), np.float32)
    for i, p in enumerate(polygons):
        out[i] = poly2bbox(np.asarray(p, np.float32))
    out[:, 2:] = np.maximum(out[:, 2:], out[:, :2] + 1)
    return out


def cells_inside(points: np.ndarray, size: Tuple[int, int]) -> np.ndarray:
    """The cells of an ``(h, w)`` grid whose centre lies inside a polygon.

    Args:
        points: ``(K, 2)`` polygon in cell units (cell ``(r, c)`` spans
            ``[c, c + 1) x [r, r + 1)``, its centre at ``(c + .5, r + .5)``).
        size: ``(h, w)``.

    Returns:
        np.ndarray: ``(h, w)`` float32 in {0, 1}.
    """
    h, w = size
    pts = np.asarray(points, np.float64).reshape(-1, 2)
    if len(pts) < 3 or not np.isfinite(pts).all():
        return np.zeros((h, w), np.float32)
    # Shapely (MMOCR's polygon library), exact and vectorised; a
    # self-intersecting outline is made valid first. Not OpenCV's fillPoly:
    # it also paints every pixel an edge passes through, up to half a cell
    # outwards, which merged characters shrunk apart and moved mask
    # targets.
    gy, gx = np.mgrid[0:h, 0:w] + 0.5
    poly = Polygon(pts)
    if not poly.is_valid:
        poly = poly.buffer(0)
    return shapely.contains_xy(poly, gx, gy).astype(np.float32)


def polygon_roi_masks(polygons: Sequence[np.ndarray], boxes: np.ndarray,
                      size: Tuple[int, int]) -> np.ndarray:
    """Rasterise each polygon into its box's ``size = (h, w)`` grid: a cell
    is 1 when its centre lies inside the polygon.

    Returns:
        np.ndarray: ``(K, h, w)`` float32 in {0, 1}.
    """
    h, w = size
    masks = np.zeros((len(polygons), h, w), np.float32)
    for i, (p, (x1, y1, x2, y2)) in enumerate(zip(polygons, boxes)):
        pts = np.asarray(p, np.float64).reshape(-1, 2)
        cells = (pts - (x1, y1)) * (w / (x2 - x1), h / (y2 - y1))
        masks[i] = cells_inside(cells, size)
    return masks


def masked_roi_features(feats: torch.Tensor,
                        polygons: Sequence[np.ndarray],
                        inds: Sequence[int],
                        size: Tuple[int, int],
                        stride: int,
                        boxes: Optional[np.ndarray] = None) -> torch.Tensor:
    """RoIAlign (mmcv op) of each polygon's box on ``feats``, times the
    polygon's mask in that grid.

    Args:
        feats: ``(N, C, H, W)`` at ``stride`` input pixels per cell.
        polygons: flat polygons in input pixels.
        inds: image index of each polygon.
        size: ``(h, w)`` of the RoI grid.
        boxes: ``(K, 4)`` RoIs, if not the polygons' own boxes (refined
            boxes at inference).

    Returns:
        Tensor: ``(K, C, h, w)``.
    """
    if not len(polygons):
        return feats.new_zeros((0, feats.shape[1], *size))
    if boxes is None:
        boxes = polygon_boxes(polygons)
    rois = torch.cat([
        torch.as_tensor(np.asarray(inds, np.float32))[:, None],
        torch.from_numpy(boxes)
    ], 1).to(feats)
    pooled = roi_align(feats, rois, size, 1. / stride, 2, 'avg', False)
    masks = torch.from_numpy(polygon_roi_masks(polygons, boxes, size))
    return pooled * masks.to(pooled)[:, None]


def word_axis_rois(polygons: Sequence[np.ndarray]) -> np.ndarray:
    """Each word's minimum-area rectangle, oriented along its reading
    direction: ``(K, 5)`` centre x, centre y, length (the long side),
    height, angle in radians (clockwise on screen, image y pointing down).

    The long side is taken as the reading direction, pointing rightwards
    (or downwards for a vertical word), so words rotated by -90..90 degrees
    come out upright; a word rotated past 90 degrees reads upside down.
    """
    out = np.zeros((len(polygons), 5), np.float32)
    for i, p in enumerate(polygons):
        pts = np.asarray(p, np.float32).reshape(-1, 2)
        rect = cv2.minAreaRect(pts)
        c = cv2.boxPoints(rect)
        e0, e1 = c[1] - c[0], c[2] - c[1]
        long, short = (e0, e1) if np.hypot(*e0) >= np.hypot(*e1) else (e1,
                                                                      e0)
        if long[0] < 0 or (long[0] == 0 and long[1] < 0):
            long = -long
        out[i] = (*rect[0], max(np.hypot(*long), 1.),
                  max(np.hypot(*short), 1.), np.arctan2(long[1], long[0]))
    return out


def word_axis_roi_masks(polygons: Sequence[np.ndarray], rois: np.ndarray,
                        size: Tuple[int, int]) -> np.ndarray:
    """Rasterise each polygon into its oriented RoI's ``size = (h, w)``
    grid (cell kept when its centre is inside): ``(K, h, w)``."""
    masks = np.zeros((len(polygons), *size), np.float32)
    for i, (p, roi) in enumerate(zip(polygons, rois)):
        masks[i] = cells_inside(
            to_word_axis_cells(np.asarray(p, np.float64).reshape(-1, 2), roi,
                               size), size)
    return masks


def to_word_axis_cells(points: np.ndarray, roi: np.ndarray,
                       size: Tuple[int, int]) -> np.ndarray:
    """Input-pixel points ``(K, 2)`` in the cell units of an oriented RoI
    ``(cx, cy, length, height, angle)`` gridded ``size = (h, w)``: ``x``
    along the word, ``y`` across it (downwards)."""
    h, w = size
    cx, cy, length, height, angle = roi
    u = np.array([np.cos(angle), np.sin(angle)])  # along the word
    v = np.array([-np.sin(angle), np.cos(angle)])  # across it, downwards
    d = np.asarray(points, np.float64) - (cx, cy)
    return np.stack([(d @ u / length + 0.5) * w,
                     (d @ v / height + 0.5) * h], 1)


def masked_word_features(feats: torch.Tensor,
                         polygons: Sequence[np.ndarray],
                         inds: Sequence[int], size: Tuple[int, int],
                         stride: int) -> torch.Tensor:
    """Features of each word read along its own axis (rotated RoIAlign,
    mmcv op, over :func:`word_axis_rois`), hard-masked by its polygon: a
    word rotated by up to 90 degrees reaches the recogniser upright.

    Args:
        feats: ``(N, C, H, W)`` at ``stride`` input pixels per cell.
        polygons: flat polygons in input pixels.
        inds: image index of each polygon.
        size: ``(h, w)`` of the RoI grid, ``w`` along the word.

    Returns:
        Tensor: ``(K, C, h, w)``.
    """
    if not len(polygons):
        return feats.new_zeros((0, feats.shape[1], *size))
    rois = word_axis_rois(polygons)
    rois_t = torch.cat([
        torch.as_tensor(np.asarray(inds, np.float32))[:, None],
        torch.from_numpy(rois)
    ], 1).to(feats)
    # aligned=False: the pixel convention above; clockwise: screen angles.
    pooled = roi_align_rotated(feats, rois_t, size, 1. / stride, 2, False,
                               True)
    masks = torch.from_numpy(word_axis_roi_masks(polygons, rois, size))
    return pooled * masks.to(pooled)[:, None]
