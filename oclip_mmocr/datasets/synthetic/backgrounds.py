# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Backgrounds: the sample photographs scikit-image ships in its wheel, and
procedural textures.

Only photographs present without a download are used, and none that shows
legible text a detector would be penalised for finding (scikit-image's
``text``, ``page``, ``logo``, the coins' inscriptions and the clock's
numerals are left out). The files are read straight from the installed
package's data folder; scikit-image itself is not imported.
"""
import functools
import os.path as osp
from importlib.util import find_spec
from typing import List, Optional, Tuple

import cv2
import numpy as np

PHOTOS: Tuple[str, ...] = (
    'astronaut.png', 'brick.png', 'camera.png', 'chelsea.png', 'coffee.png',
    'grass.png', 'gravel.png', 'motorcycle_left.png', 'motorcycle_right.png',
    'rocket.jpg', 'hubble_deep_field.jpg', 'moon.png', 'color.png',
    'horse.png')


def _skimage_data_dir() -> Optional[str]:
    spec = find_spec('skimage')
    if spec is None or not spec.submodule_search_locations:
        return None
    path = osp.join(spec.submodule_search_locations[0], 'data')
    return path if osp.isdir(path) else None


@functools.lru_cache(maxsize=None)
def available_photos() -> Tuple[str, ...]:
    root = _skimage_data_dir()
    if root is None:
        return ()
    return tuple(
        osp.join(root, n) for n in PHOTOS if osp.isfile(osp.join(root, n)))


@functools.lru_cache(maxsize=None)
def load_photo(path: str) -> np.ndarray:
    """``(H, W, 3)`` float32 RGB, read once per process."""
    img = cv2.imread(path, cv2.IMREAD_COLOR)
    if img is None:
        raise OSError(f'{path}: not a readable image')
    return np.ascontiguousarray(img[..., ::-1]).astype(np.float32)


def _photo(rng: np.random.Generator, h: int, w: int,
           photos: List[str]) -> np.ndarray:
    src = load_photo(photos[int(rng.integers(len(photos)))])
    sh, sw = src.shape[:2]
    # A crop of random scale and aspect, resized to the target: zooming in
    # 1-3x makes the few photographs many different backgrounds.
    zoom = rng.uniform(1.0, 3.0)
    ch = min(sh, max(8, int(sh / zoom)))
    cw = min(sw, max(8, int(ch * w / h * rng.uniform(0.8, 1.25))))
    ch = min(sh, ch)
    y0 = int(rng.integers(0, sh - ch + 1))
    x0 = int(rng.integers(0, sw - cw + 1))
    img = cv2.resize(src[y0:y0 + ch, x0:x0 + cw], (w, h),
                     interpolation=cv2.INTER_AREA if ch > h else
                     cv2.INTER_LINEAR)
    if rng.random() < 0.5:  # mirror only: upside-down scenes look wrong
        img = img[:, ::-1]
    # Colour shift: random channel mixing near identity, gain and gamma.
    mix = np.eye(3) + rng.normal(0, 0.12, (3, 3))
    img = img @ mix.T.astype(np.float32)
    img = img * rng.uniform(0.7, 1.2) + rng.uniform(-25, 25)
    img = np.clip(img, 0, 255)
    gamma = rng.uniform(0.7, 1.4)
    return (255 * (img / 255)**gamma).astype(np.float32)


def _smooth_noise(rng: np.random.Generator, h: int, w: int,
                  cells: int) -> np.ndarray:
    """``(h, w)`` noise in [0, 1] with about ``cells`` blobs per side."""
    grid = rng.random((cells + 1, cells + 1)).astype(np.float32)
    field = cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC)
    lo, hi = float(field.min()), float(field.max())
    return (field - lo) / max(hi - lo, 1e-6)


def _procedural(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    c0 = rng.integers(0, 256, 3).astype(np.float32)
    c1 = rng.integers(0, 256, 3).astype(np.float32)
    kind = rng.integers(4)
    if kind == 0:  # gradient
        angle = rng.uniform(0, 2 * np.pi)
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        t = np.cos(angle) * xs / w + np.sin(angle) * ys / h
        t = (t - t.min()) / max(float(np.ptp(t)), 1e-6)
    elif kind == 1:  # cloudy multi-scale noise (walls, sky, foliage)
        t = sum(_smooth_noise(rng, h, w, c) * wgt
                for c, wgt in ((3, 0.5), (12, 0.3), (48, 0.2)))
    elif kind == 2:  # stripes / planks / tiles
        period = rng.uniform(8, 48)
        angle = rng.uniform(0, np.pi)
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        phase = (np.cos(angle) * xs + np.sin(angle) * ys) / period
        t = 0.5 + 0.5 * np.sign(np.sin(2 * np.pi * phase)) * 0.6
        t = cv2.GaussianBlur(t.astype(np.float32), (0, 0), 1.0)
        t = 0.8 * t + 0.2 * _smooth_noise(rng, h, w, 24)
    else:  # fine grain (concrete, sand)
        t = 0.6 * _smooth_noise(rng, h, w, 4) + 0.4 * rng.random(
            (h, w)).astype(np.float32)
    return c0 + t[..., None].astype(np.float32) * (c1 - c0)


def random_background(rng: np.random.Generator, h: int, w: int,
                      photo_prob: float = 0.75) -> np.ndarray:
    """``(h, w, 3)`` float32 RGB in [0, 255]."""
    photos = list(available_photos())
    if photos and rng.random() < photo_prob:
        img = _photo(rng, h, w, photos)
    else:
        img = _procedural(rng, h, w)
    return np.ascontiguousarray(img, dtype=np.float32)


def random_patch(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """A piece of another background (occluders: poles, leaves, objects)."""
    return random_background(rng, h, w, photo_prob=0.8)
