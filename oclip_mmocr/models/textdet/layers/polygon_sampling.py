# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Fixed-size vertex sequences for polygons and masks (TextBPN's boundary
representation: every text is a closed ring of ``num_points`` vertices)."""
from typing import Optional

import cv2
import numpy as np


def signed_area(points: np.ndarray) -> float:
    """Shoelace area of a closed ring ``(K, 2)``; positive when the ring is
    clockwise on screen (image y axis pointing down)."""
    x, y = points[:, 0], points[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))


def resample_ring(points: np.ndarray, num_points: int) -> np.ndarray:
    """``num_points`` vertices evenly spaced along the perimeter of the closed
    ring ``points`` ``(K, 2)``, clockwise on screen, starting at ``points[0]``.

    Returns:
        np.ndarray: ``(num_points, 2)`` float32.
    """
    pts = np.asarray(points, np.float64).reshape(-1, 2)
    if signed_area(pts) < 0:
        pts = pts[::-1]
    closed = np.concatenate([pts, pts[:1]])
    seg = np.linalg.norm(np.diff(closed, axis=0), axis=1)
    cum = np.concatenate([[0.], np.cumsum(seg)])
    if cum[-1] <= 0:
        return np.repeat(pts[:1], num_points, 0).astype(np.float32)
    t = np.arange(num_points) * cum[-1] / num_points
    x = np.interp(t, cum, closed[:, 0])
    y = np.interp(t, cum, closed[:, 1])
    return np.stack([x, y], 1).astype(np.float32)


def mask_ring(mask: np.ndarray, num_points: int) -> Optional[np.ndarray]:
    """The outer contour of the largest blob of a binary mask, resampled to
    ``num_points`` vertices (pixel centres), or None for an empty mask."""
    contours, _ = cv2.findContours(
        mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return None
    contour = max(contours, key=cv2.contourArea).reshape(-1, 2)
    return resample_ring(contour, num_points)


def is_valid_polygon(polygon: np.ndarray) -> bool:
    """At least 3 vertices and a non-zero area."""
    pts = np.asarray(polygon, np.float64).reshape(-1, 2)
    return len(pts) >= 3 and abs(signed_area(pts)) > 1e-6
