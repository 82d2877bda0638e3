"""Word geometry for tests that must see sub-pixel and coverage errors:
rotated word boxes from 30x6 to 300x30 px, curved (Total-Text-like) bands,
and coverage / IoU / centroid offset of a prediction against its word."""
from typing import Tuple

import numpy as np
from shapely.geometry import Polygon

# (width, height) in input pixels: ICDAR2015-small to long banner words,
# aspect ratios 2..15.
WORD_SIZES = [(30, 6), (60, 12), (24, 12), (45, 15), (120, 12), (60, 30),
              (150, 30), (300, 30), (450, 30)]


def word_box(cx: float, cy: float, w: float, h: float,
             angle: float = 0.) -> np.ndarray:
    """A ``w x h`` box centred at ``(cx, cy)``, rotated by ``angle`` degrees
    (clockwise on screen): ``(4, 2)``."""
    c, s = np.cos(np.deg2rad(angle)), np.sin(np.deg2rad(angle))
    pts = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2],
                    [-w / 2, h / 2]])
    return pts @ np.array([[c, s], [-s, c]]) + (cx, cy)


def curved_band(cx: float, cy: float, radius: float, height: float,
                arc: float = 80., num: int = 7) -> np.ndarray:
    """A word bent along a circular arc centred at ``(cx, cy)`` (the arc's
    middle at the top): outer then inner arc, ``(2 * num, 2)``."""
    t = np.deg2rad(np.linspace(270 - arc / 2, 270 + arc / 2, num))
    outer = np.stack([cx + (radius + height / 2) * np.cos(t),
                      cy + (radius + height / 2) * np.sin(t)], 1)
    inner = np.stack([cx + (radius - height / 2) * np.cos(t[::-1]),
                      cy + (radius - height / 2) * np.sin(t[::-1])], 1)
    return np.concatenate([outer, inner])


def polygon_stats(pred, gt) -> Tuple[float, float, np.ndarray]:
    """Coverage of ``gt`` by ``pred`` (intersection / gt area), IoU, and the
    offset of ``pred``'s centroid from ``gt``'s, input pixels."""
    p = Polygon(np.asarray(pred, np.float64).reshape(-1, 2)).buffer(0)
    g = Polygon(np.asarray(gt, np.float64).reshape(-1, 2)).buffer(0)
    inter = p.intersection(g).area
    offset = np.subtract(p.centroid.coords[0], g.centroid.coords[0])
    return inter / g.area, inter / p.union(g).area, offset
