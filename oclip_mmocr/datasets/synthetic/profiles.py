# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Dataset profiles: what a generated split looks like.

Each finetuning profile copies the conventions of the dataset it stands in
for (docs/embedded_benchmark.md):

- ``synth_icdar2015``: ICDAR2015's incidental scene text. 16:9 frames, small
  words (8-20 px high at the native size), word-level quadrilaterals,
  perspective, blur and JPEG; many tiny illegible words marked ``###``.
- ``synth_ctw1500``: CTW1500's text lines. Lines of several words,
  straight or curved, one 14-point polygon per line (7 points per edge at
  equal steps along the line, as CTW1500's annotation tool places them).
- ``synth_totaltext``: Total-Text's word-level curved text. Words along
  arcs and waves (several words sharing one curve, as on logos and signs),
  vertical words, polygons with as many points as the curve needs.
- ``synth_pretrain``: the SynthText stand-in for oCLIP pretraining: every
  layout, many words, transcriptions only matter.
"""
from dataclasses import dataclass, field
from typing import Dict, Tuple


@dataclass(frozen=True)
class Profile:
    """Generation settings of one profile. Lengths are in pixels at the
    native ``size`` and scale with the image when another size is asked.

    Args:
        name: Profile name (part of the random stream, so two profiles with
            the same seed differ).
        size: Native ``(h, w)``.
        level: ``'word'`` or ``'line'`` annotations.
        polygon: ``'quad'`` (4 points), ``'curve'`` (as many as needed, at
            least 4) or ``'fixed14'`` (CTW1500's 14 points).
        items: Range of text items (a word, a line, a curve carrying words,
            a dense block) per image.
        text_height: Range of text heights.
        words_per_line: Words per line for line items.
        layouts: Relative frequency of each layout.
        clutter: Range of tiny illegible words (annotated ``###``).
        clutter_height: Their heights.
        legible_height: Annotated text lower than this is ``###``.
        max_angle: Largest rotation of straight text, in degrees.
        blur: Probability of a global blur; its sigma range.
        jpeg_quality: Range of JPEG qualities the image is saved with.
        occlusion: Probability that an image has occluders.
        low_contrast: Probability that an item has low contrast.
        punctuation: Probability that a word ends in punctuation.
        hyphen: Probability that a word (of 4+ characters) has a hyphen.
        outline: Probability of an outline stroke (text 16+ px em).
        letter_spacing: Probability of letter spacing (single words).
        drop_shadow: Probability that an item casts a drop shadow.
        item_blur: Probability that an item is blurred on its own.
        cast_shadow: Probability of a shadow over part of the image.
        motion_blur: Probability of camera-shake blur.
    """
    name: str
    size: Tuple[int, int]
    level: str = 'word'
    polygon: str = 'curve'
    items: Tuple[int, int] = (3, 8)
    text_height: Tuple[float, float] = (12., 40.)
    words_per_line: Tuple[int, int] = (2, 4)
    layouts: Dict[str, float] = field(default_factory=dict)
    clutter: Tuple[int, int] = (0, 2)
    clutter_height: Tuple[float, float] = (3., 6.)
    legible_height: float = 7.
    max_angle: float = 30.
    blur: Tuple[float, float, float] = (0.3, 0.3, 1.2)
    jpeg_quality: Tuple[int, int] = (45, 95)
    occlusion: float = 0.25
    low_contrast: float = 0.12
    punctuation: float = 0.06
    hyphen: float = 0.02
    outline: float = 0.15
    letter_spacing: float = 0.08
    drop_shadow: float = 0.2
    item_blur: float = 0.15
    cast_shadow: float = 0.2
    motion_blur: float = 0.1


PROFILES: Dict[str, Profile] = {
    p.name: p
    for p in (
        Profile(
            name='synth_icdar2015',
            size=(288, 512),
            level='word',
            polygon='quad',
            items=(3, 10),
            text_height=(8., 20.),
            layouts=dict(straight=0.2, rotated=0.3, perspective=0.35,
                         dense=0.15),
            clutter=(2, 8),
            clutter_height=(3., 6.5),
            legible_height=7.,
            max_angle=35.,
            blur=(0.5, 0.3, 1.0),
            jpeg_quality=(35, 90),
            occlusion=0.3),
        Profile(
            name='synth_ctw1500',
            size=(384, 384),
            level='line',
            polygon='fixed14',
            items=(2, 6),
            text_height=(12., 34.),
            words_per_line=(2, 4),
            layouts=dict(straight=0.2, rotated=0.15, perspective=0.1,
                         arc=0.35, wave=0.12, dense=0.08),
            clutter=(0, 3),
            max_angle=25.),
        Profile(
            name='synth_totaltext',
            size=(384, 384),
            level='word',
            polygon='curve',
            items=(3, 8),
            text_height=(12., 40.),
            words_per_line=(2, 3),
            layouts=dict(straight=0.15, rotated=0.12, perspective=0.08,
                         arc=0.35, wave=0.12, vertical=0.1, dense=0.08),
            clutter=(0, 3),
            max_angle=30.),
        Profile(
            name='synth_pretrain',
            size=(256, 256),
            level='word',
            polygon='curve',
            items=(3, 9),
            text_height=(10., 40.),
            words_per_line=(2, 3),
            layouts=dict(straight=0.25, rotated=0.15, perspective=0.15,
                         arc=0.2, wave=0.08, vertical=0.07, dense=0.1),
            clutter=(0, 2),
            max_angle=30.),
    )
}


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise KeyError(f'unknown synthetic profile {name!r}; choose one of '
                       f'{sorted(PROFILES) + ["basic"]}') from None
