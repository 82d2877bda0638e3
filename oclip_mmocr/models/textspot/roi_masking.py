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

import numpy as np
import torch
from matplotlib.path import Path
from mmcv.ops import roi_align


def polygon_boxes(polygons: Sequence[np.ndarray]) -> np.ndarray:
    """``(K, 4)`` x1, y1, x2, y2 of flat polygons (at least 1 px wide)."""
    out = np.zeros((len(polygons), 4), np.float32)
    for i, p in enumerate(polygons):
        pts = np.asarray(p, np.float32).reshape(-1, 2)
        x1, y1 = pts.min(0)
        x2, y2 = pts.max(0)
        out[i] = (x1, y1, max(x2, x1 + 1), max(y2, y1 + 1))
    return out


def polygon_roi_masks(polygons: Sequence[np.ndarray], boxes: np.ndarray,
                      size: Tuple[int, int]) -> np.ndarray:
    """Rasterise each polygon into its box's ``size = (h, w)`` grid: a cell
    is 1 when its centre lies inside the polygon.

    Returns:
        np.ndarray: ``(K, h, w)`` float32 in {0, 1}.
    """
    h, w = size
    masks = np.zeros((len(polygons), h, w), np.float32)
    gy, gx = np.mgrid[0:h, 0:w] + 0.5
    for i, (p, (x1, y1, x2, y2)) in enumerate(zip(polygons, boxes)):
        pts = np.asarray(p, np.float64).reshape(-1, 2)
        if len(pts) < 3:
            continue
        centres = np.stack([x1 + gx * (x2 - x1) / w,
                            y1 + gy * (y2 - y1) / h], -1).reshape(-1, 2)
        masks[i] = Path(pts).contains_points(centres).reshape(h, w)
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
