# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Finding bad training data before a run depends on it.

A broken image or polygon found mid-epoch costs hours; these checks name
the file (and the instance) of every problem at once.
"""
import math
import os.path as osp
from typing import List, Optional

import cv2
import numpy as np

# The last bytes of a complete file, per format: a truncated JPEG or PNG
# still decodes (partly grey) without any error.
_END_MARKERS = {
    b'\xff\xd8': b'\xff\xd9',  # JPEG: EOI
    b'\x89PNG': b'IEND\xaeB`\x82',  # PNG: IEND chunk and its CRC
}


def image_problem(path: str, decode: bool = True) -> Optional[str]:
    """Why ``path`` is not a usable image, or None."""
    if not osp.isfile(path):
        return 'no such file'
    size = osp.getsize(path)
    if size == 0:
        return 'empty file (0 bytes)'
    with open(path, 'rb') as f:
        head = f.read(8)
        f.seek(max(size - 16, 0))
        tail = f.read()
    for magic, end in _END_MARKERS.items():
        if head.startswith(magic) and end not in tail.rstrip(b'\x00'):
            return f'truncated ({size} bytes, no end-of-image marker)'
    if decode:
        data = np.fromfile(path, np.uint8)
        if cv2.imdecode(data, cv2.IMREAD_UNCHANGED) is None:
            return f'cannot be decoded ({size} bytes)'
    return None


def polygon_problem(polygon) -> Optional[str]:
    """Why ``polygon`` (flat coordinates) is malformed, or None."""
    try:
        coords = [float(v) for v in np.asarray(polygon).reshape(-1)]
    except (TypeError, ValueError):
        return f'polygon {polygon!r} is not a list of numbers'
    if len(coords) % 2:
        return f'polygon has an odd number of coordinates ({len(coords)})'
    if len(coords) < 6:
        return (f'polygon has {len(coords) // 2} points (at least 3 are '
                'needed)')
    if not all(math.isfinite(v) for v in coords):
        return 'polygon has NaN or infinite coordinates'
    return None


def dataset_problems(dataset, images: bool = False,
                     limit: int = 50) -> List[str]:
    """Problems of an MMOCR-style dataset (``img_path`` and
    ``instances[*].polygon`` per data info): every malformed polygon, and
    with ``images=True`` every missing, empty, truncated or undecodable
    image. At most ``limit`` messages, then a count of the rest."""
    dataset.full_init()
    name = getattr(dataset, 'ann_file', '') or type(dataset).__name__
    problems, total = [], 0
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        path = info.get('img_path', '?')
        found = []
        for j, inst in enumerate(info.get('instances', [])):
            if inst.get('polygon') is not None:
                why = polygon_problem(inst['polygon'])
                if why:
                    found.append(f'{name}: {path}: instance {j}: {why}')
        if images:
            why = image_problem(path)
            if why:
                found.append(f'{name}: {path}: {why}')
        total += len(found)
        problems.extend(found[:max(limit - len(problems), 0)])
    if total > len(problems):
        problems.append(f'... and {total - len(problems)} more')
    return problems


__all__ = ['image_problem', 'polygon_problem', 'dataset_problems']
