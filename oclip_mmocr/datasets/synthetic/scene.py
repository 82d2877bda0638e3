# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""One synthetic scene-text image of a profile, and its annotations.

An image is a pure function of ``(profile, seed, index, size)``: every
random draw comes from one generator seeded with those values, so a split
is regenerated bit-identically on any machine with the same fonts,
scikit-image photographs and OpenCV.

Order of work: background; text items (single words, several words on one
line or curve, dense blocks, vertical words), each drawn with its own font,
colour, stroke, shadow and blur into a free part of the image; tiny
illegible words; occluders; then illumination, cast shadows, global blur and
noise (JPEG compression happens when the file is written). Annotations
follow the real datasets: what a reader could not transcribe (lower than the
profile's legible height, blurred beyond a fifth of its height... see
:func:`_legible`) is ``###`` and ``ignore``.
"""
import math
import zlib
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np

from .backgrounds import random_background, random_patch
from .fonts import fonts_for, get_font
from .geometry import Bent, Homography, Placement, edge_polygon, warp_strip
from .profiles import Profile
from .text_style import contrasting_colour, random_word
from .text_strip import Strip, horizontal_strip, vertical_strip

IGNORE_TEXT = '###'


@dataclass
class _Box:
    """One annotated text region (a word, or a line at line level)."""
    text: str
    polygon: np.ndarray  # (K, 2) image coordinates
    height: float  # across the text at its middle, image px
    blur: float = 0.  # sigma of the blur applied to it, px
    contrast: float = 255.
    occluded: float = 0.  # fraction hidden by occluders
    forced_ignore: bool = False
    # (4, 2) box of each non-space character, or None
    chars: Optional[List[np.ndarray]] = None


@dataclass
class _Line:
    strip: Strip
    place: Placement
    # (text, ink box, index of its first character in the strip's text)
    boxes: List[Tuple[str, Tuple[float, float, float, float], int]]


def _rng(profile: Profile, seed: int, index: int) -> np.random.Generator:
    return np.random.default_rng(
        [seed, index, zlib.crc32(profile.name.encode())])


def _word(rng: np.random.Generator, p: Profile) -> str:
    word = random_word(rng)
    r = rng.random()
    if r < p.punctuation:  # as on real signs
        word += str(rng.choice(['.', '!', ':', '-']))
    elif r < p.punctuation + p.hyphen and len(word) > 3:
        word = word[:2] + '-' + word[2:]
    return word


def _colour(rng: np.random.Generator, bg: np.ndarray,
            low_contrast: bool) -> Tuple[np.ndarray, float]:
    lo, hi = (30., 60.) if low_contrast else (90., 255.)
    return contrasting_colour(rng, bg, lo, hi, tries=40)


def _word_boxes(strip: Strip, text: str, font_path: str, size: int,
                words: Sequence[str]) -> List[Tuple[str, Tuple]]:
    """Ink box of each word of a one-line strip, in strip coordinates
    (where :func:`horizontal_strip` drew it: pad 4, no letter spacing)."""
    font = get_font(font_path, size)
    alpha = strip.alpha if strip.stroke is None else np.maximum(
        strip.alpha, strip.stroke)
    stroke = 0 if strip.stroke is None else max(1, size // 14)
    left = font.getbbox(text, stroke_width=stroke)[0]
    pad = 4
    boxes, start = [], 0
    for word in words:
        i = text.index(word, start)
        a = pad - left + font.getlength(text[:i])
        b = pad - left + font.getlength(text[:i + len(word)])
        start = i + len(word)
        c0, c1 = max(int(math.floor(a)) - 1, 0), int(math.ceil(b)) + 1
        cols = alpha[:, c0:c1]
        xs = np.nonzero(cols.max(0) > 0.25)[0]
        ys = np.nonzero(cols.max(1) > 0.25)[0]
        if not len(xs):
            continue
        boxes.append((word, (float(c0 + xs[0]), float(ys[0]),
                             float(c0 + xs[-1] + 1), float(ys[-1] + 1)), i))
    return boxes


def _fill(mask: np.ndarray, poly: np.ndarray, value=1) -> None:
    """Rasterise a continuous-coordinate polygon (pixel ``(x, y)`` is the
    square ``[x, x + 1) x [y, y + 1)``; OpenCV draws at pixel centres)."""
    cv2.fillPoly(mask, [np.round((poly - 0.5) * 16).astype(np.int32)], value,
                 shift=4)


class SceneRenderer:
    """Draws the images of one profile (see the module docstring)."""

    def __init__(self, profile: Profile,
                 size: Optional[Tuple[int, int]] = None) -> None:
        self.p = profile
        self.h, self.w = size or profile.size
        self.scale = min(self.h, self.w) / min(profile.size)
        names = sorted(profile.layouts)
        weights = np.array([profile.layouts[n] for n in names], np.float64)
        self.layouts, self.layout_p = names, weights / weights.sum()

    # -- text items -----------------------------------------------------
    def _height(self, rng, lo: float, hi: float) -> float:
        return float(math.exp(rng.uniform(math.log(lo), math.log(hi)))) * \
            self.scale

    def _strip(self, rng, text: str, height: float, vertical=False,
               allow_spacing=True):
        fonts = fonts_for(text)
        font = fonts[int(rng.integers(len(fonts)))]
        # Em size from the wanted ink height (capitals and ascenders are
        # about 0.72 em in these faces); the annotation uses the real ink.
        size = max(4, int(round(height / 0.72)))
        stroke = int(max(1, size // 14)) if (
            size >= 16 and rng.random() < self.p.outline) else 0
        if vertical:
            return vertical_strip(text, font, size, stroke), font, size
        spacing = rng.uniform(0.05, 0.3) if (
            allow_spacing and ' ' not in text
            and rng.random() < self.p.letter_spacing) else 0.
        return horizontal_strip(text, font, size, stroke, spacing), font, size

    def _quad(self, rng, sw, sh, centre, angle, perspective: bool):
        rect = np.array([[0, 0], [sw, 0], [sw, sh], [0, sh]],
                        np.float64) - (sw / 2, sh / 2)
        if perspective:
            # A plane seen from the side: one end taller than the other,
            # plus a little shear.
            k = rng.uniform(-0.35, 0.35)
            rect[:, 1] *= 1 + k * rect[:, 0] / sw
            rect[:, 0] += rng.uniform(-0.25, 0.25) * rect[:, 1]
            rect += rng.uniform(-0.04, 0.04, (4, 2)) * (sw, sh)
        rot = np.array([[math.cos(angle), -math.sin(angle)],
                        [math.sin(angle), math.cos(angle)]])
        return rect @ rot.T + centre

    def _make_item(self, rng, layout: str) -> Optional[List[_Line]]:
        p = self.p
        h_lo, h_hi = p.text_height
        centre = np.array([rng.uniform(0, self.w), rng.uniform(0, self.h)])
        line_level = p.level == 'line'
        if layout == 'dense':
            return self._dense(rng, centre)
        multi = line_level or layout in ('arc', 'wave')
        n_words = int(rng.integers(p.words_per_line[0],
                                   p.words_per_line[1] + 1)) if multi else 1
        if layout in ('arc', 'wave') and not line_level:
            n_words = int(rng.integers(1, p.words_per_line[1] + 1))
        words = [_word(rng, p) for _ in range(n_words)]
        text = ' '.join(words)
        height = self._height(rng, h_lo, h_hi)
        vertical = layout == 'vertical'
        if vertical:
            text = words[0] = words[0].upper()[:8]
        strip, font, size = self._strip(rng, text, height, vertical)
        sh, sw = strip.alpha.shape
        if layout in ('straight', 'rotated', 'perspective', 'vertical'):
            if layout == 'straight':
                angle = math.radians(rng.uniform(-4, 4))
            elif layout == 'vertical':
                angle = math.radians(90 + rng.uniform(-6, 6))
            else:
                angle = math.radians(rng.uniform(-p.max_angle, p.max_angle))
            place = Homography(sw, sh, self._quad(
                rng, sw, sh, centre, angle, layout == 'perspective'))
        elif layout == 'arc':
            bend = math.radians(rng.uniform(40, 200)) * rng.choice([-1, 1])
            k = bend / sw
            # Keep the inner edge from folding onto itself.
            k = math.copysign(min(abs(k), 1 / (1.6 * sh)), k)
            place = Bent(sw, sh, centre,
                         math.radians(rng.uniform(-20, 20)), curvature=k)
        else:  # wave
            lam = sw * rng.uniform(0.7, 1.5)
            amp = sh * rng.uniform(0.3, 1.0)
            amp = min(amp, 1 / (1.6 * sh) / (2 * math.pi / lam)**2)
            place = Bent(sw, sh, centre,
                         math.radians(rng.uniform(-15, 15)),
                         amplitude=amp, wavelength=lam,
                         phase=rng.uniform(0, 2 * math.pi))
        if line_level or vertical or n_words == 1:
            boxes = [(text, strip.box, 0)]
        else:
            boxes = _word_boxes(strip, text, font, size, words)
        return [_Line(strip, place, boxes)]

    def _dense(self, rng, centre) -> Optional[List[_Line]]:
        """A paragraph: 2-5 lines of small text sharing font and angle."""
        p = self.p
        height = self._height(rng, p.text_height[0],
                              max(p.text_height[0] * 1.2,
                                  p.text_height[0] + 0.25 *
                                  (p.text_height[1] - p.text_height[0])))
        n = int(rng.integers(2, 6))
        angle = math.radians(rng.uniform(-p.max_angle, p.max_angle) *
                             (0.3 if rng.random() < 0.5 else 1.))
        t = np.array([math.cos(angle), math.sin(angle)])
        down = np.array([-math.sin(angle), math.cos(angle)])
        gap = height * rng.uniform(1.35, 1.8)
        fonts = None
        lines = []
        for i in range(n):
            words = [_word(rng, p) for _ in range(int(rng.integers(1, 5)))]
            text = ' '.join(words)
            if fonts is None:
                fonts = fonts_for(text)
                font = fonts[int(rng.integers(len(fonts)))]
            if font not in fonts_for(text):
                continue
            size = max(4, int(round(height / 0.72)))
            strip = horizontal_strip(text, font, size)
            sh, sw = strip.alpha.shape
            c = centre + (i - (n - 1) / 2) * gap * down + (sw / 2) * t
            place = Homography(sw, sh, self._quad(rng, sw, sh, c, angle,
                                                  False))
            if p.level == 'line':
                boxes = [(text, strip.box, 0)]
            else:
                boxes = _word_boxes(strip, text, font, size, words)
            lines.append(_Line(strip, place, boxes))
        return lines or None

    # -- drawing --------------------------------------------------------
    def _outline(self, line: _Line) -> np.ndarray:
        u0, v0, u1, v1 = line.strip.box
        return edge_polygon(line.place, u0, u1, v0, v1)

    def _fits(self, lines: List[_Line], occupied: np.ndarray) -> bool:
        for line in lines:
            poly = self._outline(line)
            # Inside the image with a pixel to spare.
            if not np.isfinite(poly).all() or poly.min() < 1 or \
                    poly[:, 0].max() > self.w - 1 or \
                    poly[:, 1].max() > self.h - 1:
                return False
            mask = np.zeros_like(occupied)
            _fill(mask, poly)
            if (mask & occupied).any():
                return False
        return True

    def _occupy(self, lines, occupied, margin: int) -> None:
        for line in lines:
            poly = self._outline(line)
            mask = np.zeros_like(occupied)
            _fill(mask, poly)
            k = 2 * margin + 1
            occupied |= cv2.dilate(mask, np.ones((k, k), np.uint8))

    def _draw(self, rng, img: np.ndarray, lines: List[_Line],
              global_blur: float) -> List[_Box]:
        p = self.p
        low = rng.random() < p.low_contrast
        shadow = rng.random() < p.drop_shadow
        item_blur = rng.uniform(0.4, 2.0) * self.scale if \
            rng.random() < p.item_blur else 0.
        union = np.zeros((self.h, self.w), np.uint8)
        for line in lines:
            _fill(union, self._outline(line))
        bg = img[union.astype(bool)].mean(0) if union.any() else \
            img.reshape(-1, 3).mean(0)
        colour, contrast = _colour(rng, bg, low)
        stroke_colour, _ = _colour(rng, colour, False)
        boxes = []
        for line in lines:
            layers = [line.strip.alpha]
            if line.strip.stroke is not None:
                layers.append(line.strip.stroke)
            warped = []
            for layer in layers:
                patch, (y0, x0) = warp_strip(layer, line.place,
                                             (self.h, self.w))
                if item_blur > 0:
                    patch = cv2.GaussianBlur(patch, (0, 0), item_blur)
                warped.append(patch)
            ph, pw = warped[0].shape[:2]
            roi = img[y0:y0 + ph, x0:x0 + pw]
            if shadow:
                d = max(1, int(round(line.strip.alpha.shape[0] / 12)))
                sh_a = np.zeros_like(warped[-1])
                sh_a[d:, d:] = warped[-1][:-d, :-d]
                sh_a = cv2.GaussianBlur(sh_a, (0, 0), 1.0)[..., None] * 0.5
                roi *= 1 - sh_a
            if len(warped) == 2:  # outline under the fill
                a = warped[1][..., None]
                roi[:] = roi * (1 - a) + a * stroke_colour
            a = warped[0][..., None]
            roi[:] = roi * (1 - a) + a * colour
            for text, (u0, v0, u1, v1), start in line.boxes:
                poly = self._polygon(line.place, u0, v0, u1, v1)
                um = np.array([(u0 + u1) / 2])
                height = float(np.linalg.norm(
                    line.place(um, np.array([v0])) -
                    line.place(um, np.array([v1]))))
                boxes.append(_Box(text, poly, height,
                                  math.hypot(item_blur, global_blur),
                                  contrast,
                                  chars=self._char_boxes(
                                      line, text, start, v0, v1)))
        return boxes

    @staticmethod
    def _char_boxes(line: _Line, text: str, start: int, v0: float,
                    v1: float) -> Optional[List[np.ndarray]]:
        """Each non-space character's quadrilateral: its ink along the text,
        the word's ink box across it (SynthText's ``charBB`` are
        quadrilaterals too); None when a character has no ink span."""
        spans = line.strip.chars
        if spans is None:
            return None
        quads = []
        for k, c in enumerate(text):
            if c.isspace():
                continue
            span = spans[start + k]
            if span is None:
                return None
            cu0, cu1 = span
            quads.append(edge_polygon(line.place, cu0, cu1, v0, v1,
                                      np.array([cu0, cu1])))
        return quads

    def _polygon(self, place: Placement, u0, v0, u1, v1) -> np.ndarray:
        kind = self.p.polygon
        if kind == 'fixed14':
            return edge_polygon(place, u0, u1, v0, v1,
                                np.linspace(u0, u1, 7))
        if kind == 'quad' or not place.curved:
            poly = edge_polygon(place, u0, u1, v0, v1, np.array([u0, u1]))
            if kind == 'quad' and place.curved:
                poly = cv2.boxPoints(cv2.minAreaRect(
                    edge_polygon(place, u0, u1, v0, v1).astype(np.float32)))
            return poly
        return edge_polygon(place, u0, u1, v0, v1)

    def _clutter(self, rng, img, occupied) -> List[_Box]:
        p = self.p
        boxes = []
        for _ in range(int(rng.integers(p.clutter[0], p.clutter[1] + 1))):
            word = random_word(rng)
            height = self._height(rng, *p.clutter_height)
            strip, _, _ = self._strip(rng, word, height, allow_spacing=False)
            sh, sw = strip.alpha.shape
            for _ in range(8):
                centre = np.array([rng.uniform(0, self.w),
                                   rng.uniform(0, self.h)])
                angle = math.radians(rng.uniform(-p.max_angle, p.max_angle))
                line = _Line(strip, Homography(sw, sh, self._quad(
                    rng, sw, sh, centre, angle, False)), [(word, strip.box,
                                                            0)])
                if self._fits([line], occupied):
                    self._occupy([line], occupied, 1)
                    for b in self._draw(rng, img, [line], 0.):
                        b.forced_ignore = True
                        boxes.append(b)
                    break
        return boxes

    def _occlude(self, rng, img, boxes: List[_Box]) -> None:
        legible = [b for b in boxes if not b.forced_ignore]
        if not legible or rng.random() >= self.p.occlusion:
            return
        mask = np.zeros((self.h, self.w), np.float32)
        for _ in range(int(rng.integers(1, 3))):
            b = legible[int(rng.integers(len(legible)))]
            # Centred near one end of the word: hides part of it, as poles,
            # branches and people do.
            end = b.polygon[0] if rng.random() < 0.5 else b.polygon[
                len(b.polygon) // 2 - 1]
            r = b.height * rng.uniform(0.4, 1.2)
            shape = np.zeros_like(mask)
            if rng.random() < 0.5:
                cv2.ellipse(shape, (int(end[0]), int(end[1])),
                            (int(r), int(r * rng.uniform(0.6, 1.8))),
                            float(rng.uniform(0, 180)), 0, 360, 1., -1)
            else:  # a pole across the text
                ang = rng.uniform(-0.4, 0.4) + math.pi / 2
                d = np.array([math.cos(ang), math.sin(ang)]) * 3 * b.height
                cv2.line(shape, tuple(int(v) for v in end - d),
                         tuple(int(v) for v in end + d), 1.,
                         max(2, int(r * 0.8)))
            mask = np.maximum(mask, shape)
        if not mask.any():
            return
        texture = random_patch(rng, self.h, self.w)
        soft = cv2.GaussianBlur(mask, (0, 0), 0.7)[..., None]
        img[:] = img * (1 - soft) + texture * soft
        for b in boxes:
            region = np.zeros((self.h, self.w), np.uint8)
            _fill(region, b.polygon)
            area = region.sum()
            if area:
                b.occluded = float((mask * region).sum() / area)

    def _photometric(self, rng, img, blur: float) -> np.ndarray:
        h, w = self.h, self.w
        # Uneven light: a smooth gain field.
        grid = rng.uniform(0.65, 1.15, (3, 3)).astype(np.float32)
        img *= cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC)[
            ..., None]
        if rng.random() < self.p.cast_shadow:  # with a soft edge
            pts = np.stack([rng.uniform(-0.2, 1.2, 4) * w,
                            rng.uniform(-0.2, 1.2, 4) * h], 1)
            shadow = np.zeros((h, w), np.float32)
            cv2.fillConvexPoly(shadow, cv2.convexHull(
                pts.astype(np.int32)), 1.)
            shadow = cv2.GaussianBlur(shadow, (0, 0), max(h, w) / 80)
            img *= 1 - rng.uniform(0.25, 0.5) * shadow[..., None]
        if blur > 0:
            img = cv2.GaussianBlur(img, (0, 0), blur)
        if rng.random() < self.p.motion_blur:  # camera shake
            n = int(rng.integers(3, 7))
            kernel = np.zeros((n, n), np.float32)
            ang = rng.uniform(0, math.pi)
            c = (n - 1) / 2
            cv2.line(kernel, (int(round(c - c * math.cos(ang))),
                              int(round(c - c * math.sin(ang)))),
                     (int(round(c + c * math.cos(ang))),
                      int(round(c + c * math.sin(ang)))), 1., 1)
            img = cv2.filter2D(img, -1, kernel / kernel.sum())
        img += rng.normal(0, rng.uniform(1, 6), img.shape).astype(np.float32)
        return np.clip(img, 0, 255)

    # -- the image ------------------------------------------------------
    def render(self, seed: int, index: int
               ) -> Tuple[np.ndarray, List[Dict], int]:
        """Returns ``(image, instances, jpeg_quality)``: a ``(h, w, 3)``
        uint8 BGR image, MMOCR instances (``polygon``, ``bbox``,
        ``bbox_label``, ``ignore``, ``text``) and the quality to save it
        with."""
        p = self.p
        rng = _rng(p, seed, index)
        img = random_background(rng, self.h, self.w)
        blur = rng.uniform(p.blur[1], p.blur[2]) * self.scale if \
            rng.random() < p.blur[0] else 0.
        occupied = np.zeros((self.h, self.w), np.uint8)
        boxes: List[_Box] = []
        for _ in range(int(rng.integers(p.items[0], p.items[1] + 1))):
            layout = self.layouts[int(rng.choice(len(self.layouts),
                                                 p=self.layout_p))]
            for _ in range(10):
                lines = self._make_item(rng, layout)
                if lines and self._fits(lines, occupied):
                    self._occupy(lines, occupied, max(2, int(3 *
                                                             self.scale)))
                    boxes += self._draw(rng, img, lines, blur)
                    break
        boxes += self._clutter(rng, img, occupied)
        self._occlude(rng, img, boxes)
        img = self._photometric(rng, img, blur)
        quality = int(rng.integers(p.jpeg_quality[0], p.jpeg_quality[1] + 1))
        instances = [self._instance(b) for b in boxes]
        bgr = np.ascontiguousarray(img.round().astype(np.uint8)[..., ::-1])
        return bgr, instances, quality

    def _legible(self, b: _Box) -> bool:
        """The reader's rule: too small, too blurred, too faint or too
        hidden to transcribe means ``###`` (ICDAR2015 / Total-Text /
        CTW1500 all mark such text "do not care")."""
        return not (b.forced_ignore or
                    b.height < self.p.legible_height * self.scale or
                    b.blur > 0.2 * b.height or b.contrast < 25 or
                    b.occluded > 0.35)

    def _instance(self, b: _Box) -> Dict:
        legible = self._legible(b)
        # MMOCR's convention (and our pixel grid's): integer coordinates are
        # pixel centres, so a continuous x is the pixel coordinate x - 0.5.
        poly = [round(float(v), 1) for v in (b.polygon - 0.5).reshape(-1)]
        xs, ys = poly[0::2], poly[1::2]
        inst = dict(
            polygon=poly,
            bbox=[min(xs), min(ys), max(xs), max(ys)],
            bbox_label=0,
            ignore=not legible,
            text=b.text if legible else IGNORE_TEXT)
        if legible and b.chars is not None:
            # One quadrilateral per non-space character of ``text``: Mask
            # TextSpotter's character supervision.
            inst['char_polygons'] = [[
                round(float(v), 1) for v in (q - 0.5).reshape(-1)
            ] for q in b.chars]
        return inst
