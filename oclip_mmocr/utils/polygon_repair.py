# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Simple (non-self-intersecting) output polygons.

The official scripts disagree on a self-intersecting prediction: the RRC and
Total-Text scripts score it through Polygon3 / ``buffer(0)``, MMOCR through
shapely's repair, and the CTW1500 VOC script skips it entirely (a bow-tie
over its ground truth: IoU 1.0, 0.25 or not there at all). A detector that
only emits simple polygons is scored the same by all of them, so the
post-processors repair here, once.
"""
from typing import Optional, Sequence

import numpy as np
import torch
from mmengine.structures import InstanceData
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseMultipartGeometry
from shapely.validation import make_valid


def _polygon_parts(geom) -> list:
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, (MultiPolygon, BaseMultipartGeometry)):
        return [p for g in geom.geoms for p in _polygon_parts(g)]
    return []  # lines and points have no area


def is_simple_polygon(polygon: Sequence[float]) -> bool:
    """Whether a flat polygon ``(2k,)`` is a valid polygon of positive area
    (no self-intersection, no self-touching vertex)."""
    pts = np.asarray(polygon, np.float64).reshape(-1, 2)
    if len(pts) < 3:
        return False
    poly = Polygon(pts)
    return poly.is_valid and poly.area > 0


def repair_polygon(polygon: Sequence[float],
                   min_area: float = 0.) -> Optional[np.ndarray]:
    """A simple version of a flat polygon ``(2k,)``.

    A valid polygon comes back unchanged (same array values and dtype). An
    invalid one is split into its valid parts (shapely's ``make_valid``);
    the largest part's outer ring is kept (a bow-tie keeps its larger
    triangle, a loop at a word's end is cut off, a hole is filled).

    Args:
        polygon: Flat ``x1, y1, x2, y2, ...``.
        min_area: Parts of at most this area count as nothing.

    Returns:
        np.ndarray or None: Flat ``(2m,)`` in the input's dtype (float32 for
        lists), or None when nothing of positive area is left (a line, a
        point, fewer than three vertices).
    """
    arr = np.asarray(polygon)
    dtype = arr.dtype if arr.dtype.kind == 'f' else np.float32
    pts = arr.astype(np.float64).reshape(-1, 2)
    if len(pts) < 3 or not np.isfinite(pts).all():
        return None
    poly = Polygon(pts)
    if poly.is_valid and poly.area > min_area:
        return arr.astype(dtype, copy=False).reshape(-1)
    parts = [p for p in _polygon_parts(make_valid(poly)) if p.area > min_area]
    if not parts:
        return None
    best = max(parts, key=lambda p: p.area)
    ring = np.asarray(best.exterior.coords, np.float64)[:-1]
    out = ring.reshape(-1).astype(dtype)
    # Casting to float32 can itself pinch a sliver: check what we return.
    if not is_simple_polygon(out):
        ring = np.asarray(
            Polygon(ring).buffer(0).exterior.coords, np.float64)[:-1]
        out = ring.reshape(-1).astype(dtype)
        if not is_simple_polygon(out):
            return None
    return out


def keep_simple_polygons(instances: InstanceData,
                         min_area: float = 0.) -> InstanceData:
    """``instances`` with every polygon repaired (:func:`repair_polygon`)
    and the instances left with no polygon removed from every field."""
    if 'polygons' not in instances or len(instances) == 0:
        return instances
    fixed = [repair_polygon(p, min_area) for p in instances.polygons]
    keep = [i for i, p in enumerate(fixed) if p is not None]
    if len(keep) < len(fixed):
        instances = instances[torch.as_tensor(keep, dtype=torch.long)]
    instances.polygons = [fixed[i] for i in keep]
    return instances
