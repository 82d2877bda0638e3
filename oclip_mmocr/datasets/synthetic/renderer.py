# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Deterministic scene-like text images, drawn with Pillow's built-in font.

Nothing is downloaded: the font is the one Pillow ships
(``ImageFont.load_default(size)``), variety comes from size, stroke, colour,
background, rotation and perspective. Each image is a pure function of
``(seed, index)``, so a dataset can be regenerated bit-identically anywhere.
"""
from typing import Dict, List, Tuple

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .text_style import contrasting_colour, random_word


def _background(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    c0 = rng.integers(0, 256, 3).astype(np.float32)
    c1 = rng.integers(0, 256, 3).astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    t = (np.cos(angle) * xs / w + np.sin(angle) * ys / h)
    t = (t - t.min()) / max(float(np.ptp(t)), 1e-6)
    img = c0 + t[..., None] * (c1 - c0)
    canvas = Image.fromarray(img.clip(0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(canvas, 'RGBA')
    for _ in range(rng.integers(2, 7)):
        x0, y0 = rng.integers(-w // 4, w), rng.integers(-h // 4, h)
        x1 = x0 + rng.integers(w // 8, w // 2)
        y1 = y0 + rng.integers(h // 8, h // 2)
        fill = tuple(int(v) for v in rng.integers(0, 256, 3)) + (
            int(rng.integers(40, 140)), )
        if rng.random() < 0.5:
            draw.rectangle((x0, y0, x1, y1), fill=fill)
        else:
            draw.ellipse((x0, y0, x1, y1), fill=fill)
    img = np.asarray(canvas).astype(np.float32)
    img += rng.normal(0, rng.uniform(2, 10), img.shape)
    return img.clip(0, 255)


def _text_colour(rng: np.random.Generator, bg: np.ndarray) -> np.ndarray:
    return contrasting_colour(rng, bg, 110., 255., tries=20)[0]


def _draw_word(rng: np.random.Generator, img: np.ndarray,
               occupied: np.ndarray, word: str,
               font_px: int) -> List[float]:
    """Try to place ``word``; return its 4-point polygon or []."""
    h, w = img.shape[:2]
    font = ImageFont.load_default(size=font_px)
    stroke = int(rng.integers(0, 2)) if font_px > 20 else 0
    left, top, right, bottom = font.getbbox(word, stroke_width=stroke)
    tw, th = right - left, bottom - top
    if tw >= w * 0.9 or th >= h * 0.5:
        return []
    pad = 2
    mask_img = Image.new('L', (tw + 2 * pad, th + 2 * pad), 0)
    ImageDraw.Draw(mask_img).text((pad - left, pad - top),
                                  word,
                                  font=font,
                                  fill=255,
                                  stroke_width=stroke,
                                  stroke_fill=255)
    alpha = np.asarray(mask_img).astype(np.float32) / 255.
    ph, pw = alpha.shape
    src = np.float32([[0, 0], [pw, 0], [pw, ph], [0, ph]])
    for _ in range(15):
        angle = np.deg2rad(rng.uniform(-20, 20))
        cx = rng.uniform(pw / 2, w - pw / 2)
        cy = rng.uniform(ph / 2, h - ph / 2)
        rot = np.array([[np.cos(angle), -np.sin(angle)],
                        [np.sin(angle), np.cos(angle)]])
        centred = src - (pw / 2, ph / 2)
        jitter = rng.uniform(-0.08, 0.08, (4, 2)) * (pw, ph)
        dst = ((centred + jitter) @ rot.T + (cx, cy)).astype(np.float32)
        if dst.min() < 1 or dst[:, 0].max() > w - 2 or \
                dst[:, 1].max() > h - 2:
            continue
        region = np.zeros((h, w), np.uint8)
        cv2.fillPoly(region, [np.round(dst).astype(np.int32)], 1)
        dilated = cv2.dilate(region, np.ones((5, 5), np.uint8))
        if (dilated & occupied).any():
            continue
        matrix = cv2.getPerspectiveTransform(src, dst)
        warped = cv2.warpPerspective(alpha, matrix, (w, h))[..., None]
        bg_mean = img[region.astype(bool)].mean(axis=0)
        colour = _text_colour(rng, bg_mean)
        img *= 1 - warped
        img += warped * colour
        occupied |= dilated
        return [round(float(v), 1) for v in dst.reshape(-1)]
    return []


def render_text_image(seed: int,
                      index: int,
                      size: Tuple[int, int] = (256, 256),
                      num_words: Tuple[int, int] = (1, 5),
                      font_size: Tuple[float, float] = (0.07, 0.16)
                      ) -> Tuple[np.ndarray, List[Dict]]:
    """Draw one synthetic scene-text image.

    Args:
        seed (int): Dataset seed.
        index (int): Image index; ``(seed, index)`` fixes the output.
        size (tuple[int, int]): ``(h, w)``.
        num_words (tuple[int, int]): Inclusive range of words to attempt.
        font_size (tuple[float, float]): Font size range as a fraction of
            ``min(h, w)``.

    Returns:
        tuple(ndarray, list[dict]): ``(h, w, 3)`` uint8 BGR image and one
        instance per placed word with ``text``, ``polygon`` (4 points,
        clockwise from the word's top-left), ``bbox``, ``bbox_label`` (0)
        and ``ignore`` (False).
    """
    rng = np.random.default_rng([seed, index])
    h, w = size
    img = _background(rng, h, w)
    occupied = np.zeros((h, w), np.uint8)
    instances = []
    target = int(rng.integers(num_words[0], num_words[1] + 1))
    # Extra attempts with smaller fonts so that at least num_words[0] words
    # land even when the first draws do not fit.
    for attempt in range(target + 10):
        if len(instances) >= target or (attempt >= target
                                        and len(instances) >= num_words[0]):
            break
        word = random_word(rng)
        shrink = 0.7**max(0, attempt - target + 1)
        font_px = int(rng.uniform(*font_size) * min(h, w) * shrink)
        polygon = _draw_word(rng, img, occupied, word, max(font_px, 8))
        if polygon:
            xs, ys = polygon[0::2], polygon[1::2]
            instances.append(
                dict(
                    text=word,
                    polygon=polygon,
                    bbox=[min(xs), min(ys), max(xs), max(ys)],
                    bbox_label=0,
                    ignore=False))
    return img.round().astype(np.uint8)[..., ::-1].copy(), instances
