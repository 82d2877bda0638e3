# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Where a rendered text strip lands in the image.

A strip is the text drawn straight, ``(sh, sw)`` pixels; a *placement* maps
strip coordinates ``(u, v)`` (``u`` along the text, ``v`` down across it) to
image coordinates. Straight, rotated and perspective placements are
homographies; arcs and waves bend the text's centre line, each strip column
staying perpendicular to it. The strip is warped piece by piece (one
homography per slice between consecutive sample columns, applied backwards
so that every image pixel is sampled once), and the annotation polygon is
the strip's ink box pushed through the same map: top edge left to right,
then bottom edge right to left, with as many points as the bend needs.
"""
import math
from typing import Optional, Tuple

import cv2
import numpy as np


class Placement:
    """Maps strip coordinates to image coordinates (vectorised)."""

    #: Straight placements need no intermediate points.
    curved = False

    def __call__(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def columns(self, u0: float, u1: float, tol: float = 0.5) -> np.ndarray:
        """Sample columns in ``[u0, u1]`` such that the straight chords
        between neighbours stay within ``tol`` px of the true edges."""
        if not self.curved:
            return np.array([u0, u1])
        for n in (2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 32):
            us = np.linspace(u0, u1, n)
            if self._chord_error(us) <= tol:
                return us
        return np.linspace(u0, u1, 32)

    def _chord_error(self, us: np.ndarray) -> float:
        err = 0.
        for v in (self.v_top, self.v_bottom):
            pts = self(us, np.full_like(us, v))
            mid_u = (us[:-1] + us[1:]) / 2
            true_mid = self(mid_u, np.full_like(mid_u, v))
            err = max(err, float(np.abs(
                true_mid - (pts[:-1] + pts[1:]) / 2).max()))
        return err

    v_top = 0.
    v_bottom = 1.


class Homography(Placement):
    """Rotation/scale/perspective: the strip rectangle ``(0, 0)-(sw, sh)``
    goes to the quadrilateral ``dst`` (clockwise from top-left)."""

    def __init__(self, sw: float, sh: float, dst: np.ndarray) -> None:
        src = np.float32([[0, 0], [sw, 0], [sw, sh], [0, sh]])
        self.matrix = cv2.getPerspectiveTransform(src, np.float32(dst))
        self.v_top, self.v_bottom = 0., sh

    def __call__(self, u, v):
        pts = np.stack([u, v, np.ones_like(u)], -1) @ self.matrix.T
        return pts[..., :2] / pts[..., 2:]


class Bent(Placement):
    """The strip's centre line follows ``centre(s)`` (arc length ``s``
    from the strip's middle), columns along the curve's normal.

    Args:
        sw, sh: Strip size.
        origin: Image point of the strip centre ``(sw / 2, sh / 2)``.
        angle: Direction of the text at its centre (radians, image axes).
        curvature: Signed ``1 / radius`` for arcs (positive bends the ends
            down, like a rainbow); ``None`` for a wave.
        amplitude, wavelength, phase: The wave ``a sin(2 pi s / L + p)``
            across the text, when ``curvature`` is ``None``.
    """
    curved = True

    def __init__(self,
                 sw: float,
                 sh: float,
                 origin: Tuple[float, float],
                 angle: float,
                 curvature: Optional[float] = None,
                 amplitude: float = 0.,
                 wavelength: float = 1.,
                 phase: float = 0.) -> None:
        self.sw, self.sh = sw, sh
        self.v_top, self.v_bottom = 0., sh
        self.origin = np.asarray(origin, np.float64)
        self.t = np.array([math.cos(angle), math.sin(angle)])
        self.n = np.array([math.sin(angle), -math.cos(angle)])  # "up"
        self.k = curvature
        self.a, self.lam, self.phase = amplitude, wavelength, phase

    def _frame(self, s: np.ndarray):
        """Centre point and unit "up" normal at arc parameter ``s``."""
        s = s[..., None]
        if self.k is not None and abs(self.k) > 1e-9:
            k = self.k
            c = self.origin - self.n / k + (np.sin(k * s) * self.t +
                                            np.cos(k * s) * self.n) / k
            up = np.sin(k * s) * self.t + np.cos(k * s) * self.n
            return c, up
        w = 2 * math.pi / self.lam
        off = self.a * np.sin(w * s + self.phase)
        slope = self.a * w * np.cos(w * s + self.phase)
        c = self.origin + s * self.t + off * self.n
        tangent = self.t + slope * self.n
        tangent /= np.linalg.norm(tangent, axis=-1, keepdims=True)
        up = np.stack([tangent[..., 1], -tangent[..., 0]], -1)
        return c, up

    def __call__(self, u, v):
        c, up = self._frame(np.asarray(u, np.float64) - self.sw / 2)
        return c + (self.sh / 2 - np.asarray(v, np.float64))[..., None] * up


def edge_polygon(place: Placement, u0: float, u1: float, v0: float,
                 v1: float, columns: Optional[np.ndarray] = None
                 ) -> np.ndarray:
    """``(2K, 2)`` outline of the strip box ``[u0, u1] x [v0, v1]``: top
    edge left to right, bottom edge right to left."""
    us = place.columns(u0, u1) if columns is None else columns
    top = place(us, np.full_like(us, v0))
    bottom = place(us[::-1], np.full_like(us, v1))
    return np.concatenate([top, bottom])


def fixed_columns(u0: float, u1: float, n: int) -> np.ndarray:
    return np.linspace(u0, u1, n)


def _cross(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    return p[..., 0] * q[..., 1] - p[..., 1] * q[..., 0]


def _inverse_bilinear(pts: np.ndarray, quad: np.ndarray):
    """``(a, b)`` with ``pts = (1-a)(1-b) q0 + a(1-b) q1 + ab q2 + (1-a)b q3``
    for a quad ``q0..q3`` (top-left, top-right, bottom-right,
    bottom-left). Bilinear, not projective: a slice of an arc is a
    trapezoid whose columns are evenly spaced along its sides, which a
    perspective map would bunch towards the wide side."""
    q0, q1, q2, q3 = quad
    e, f, g = q1 - q0, q3 - q0, q0 - q1 + q2 - q3
    h = pts - q0
    k2 = float(_cross(g, f))
    k1 = float(_cross(e, f)) + _cross(h, g)
    k0 = _cross(h, e)
    if abs(k2) < 1e-9 * max(1., abs(float(_cross(e, f)))):
        b = -k0 / k1
    else:
        root = np.sqrt(np.maximum(k1 * k1 - 4 * k0 * k2, 0))
        b1, b2 = (-k1 - root) / (2 * k2), (-k1 + root) / (2 * k2)
        b = np.where(np.abs(b1 - 0.5) <= np.abs(b2 - 0.5), b1, b2)
    den = e + g * b[:, None]
    use_x = np.abs(den[:, 0]) >= np.abs(den[:, 1])
    a = np.where(use_x, (h[:, 0] - f[0] * b) / np.where(
        use_x, den[:, 0], 1), (h[:, 1] - f[1] * b) / np.where(
            use_x, 1, den[:, 1]))
    return a, b


def warp_strip(strip: np.ndarray, place: Placement, out_hw: Tuple[int, int]
               ) -> Tuple[np.ndarray, Tuple[int, int]]:
    """Warp ``strip`` (``(sh, sw)`` or ``(sh, sw, C)`` float32) into the
    image through ``place``.

    Coordinates are continuous: pixel ``(x, y)`` covers
    ``[x, x + 1) x [y, y + 1)`` in the strip and in the image alike.

    Returns:
        ``(patch, (y0, x0))``: the warped strip over its bounding box
        (zero outside the strip) and the box's top-left in the image;
        ``patch`` is empty if the strip falls outside the image.
    """
    sh, sw = strip.shape[:2]
    us = place.columns(0., float(sw), tol=0.25)
    if len(us) < 2:
        us = np.array([0., float(sw)])
    top = place(us, np.zeros_like(us))
    bot = place(us, np.full_like(us, float(sh)))
    pts = np.concatenate([top, bot])
    h, w = out_hw
    x0 = max(int(math.floor(pts[:, 0].min())) - 1, 0)
    y0 = max(int(math.floor(pts[:, 1].min())) - 1, 0)
    x1 = min(int(math.ceil(pts[:, 0].max())) + 2, w)
    y1 = min(int(math.ceil(pts[:, 1].max())) + 2, h)
    if x1 <= x0 or y1 <= y0:
        return np.zeros((0, 0) + strip.shape[2:], np.float32), (0, 0)
    map_x = np.full((y1 - y0, x1 - x0), -10., np.float32)
    map_y = np.full((y1 - y0, x1 - x0), -10., np.float32)
    for i in range(len(us) - 1):
        dst = np.float32([top[i], top[i + 1], bot[i + 1], bot[i]])
        mask = np.zeros(map_x.shape, np.uint8)
        # Pixel (x, y) is the square [x, x + 1) x [y, y + 1): OpenCV draws
        # and samples at centres, hence the half-pixel shifts. Slices
        # overlap by a pixel so that no seam is left unsampled.
        cv2.fillPoly(mask, [np.round((dst - np.float32([x0, y0]) - 0.5) *
                                     4).astype(np.int32)],
                     1, lineType=cv2.LINE_8, shift=2)
        mask = cv2.dilate(mask, np.ones((3, 3), np.uint8))
        mask &= map_x < -5  # first slice to claim a pixel keeps it
        ys, xs = np.nonzero(mask)
        if not len(ys):
            continue
        pts = np.stack([xs + 0.5 + x0, ys + 0.5 + y0], 1)
        a, b = _inverse_bilinear(pts, dst.astype(np.float64))
        map_x[ys, xs] = us[i] + a * (us[i + 1] - us[i]) - 0.5
        map_y[ys, xs] = b * sh - 0.5
    patch = cv2.remap(strip, map_x, map_y, cv2.INTER_LINEAR,
                      borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    return patch.astype(np.float32), (y0, x0)
