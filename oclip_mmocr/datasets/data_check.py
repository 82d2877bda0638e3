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


def dataset_problems(dataset, images=False,
                     limit: int = 50) -> List[str]:
    """Problems of an MMOCR-style dataset (``img_path`` and
    ``instances[*].polygon`` per data info): every malformed polygon, and
    with ``images=True`` every missing, empty, truncated or undecodable
    image (``images='quick'``: the file checks of :func:`image_problem`
    without decoding). At most ``limit`` messages, then a count of the
    rest."""
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
            why = image_problem(path, decode=images != 'quick')
            if why:
                found.append(f'{name}: {path}: {why}')
        total += len(found)
        problems.extend(found[:max(limit - len(problems), 0)])
    if total > len(problems):
        problems.append(f'... and {total - len(problems)} more')
    return problems


class SampleLoadError(RuntimeError):
    """A sample failed to load or transform mid-run; names file and
    instance."""


class NamedLoadErrors:
    """``dataset.prepare_data`` that re-raises any failure as
    :class:`SampleLoadError` naming the annotation file, the image, the
    sample index and every malformed instance: MMOCR's loader fails on a
    0-byte image with ``cv2.error (-215) !buf.empty()`` and a transform on
    a malformed polygon with a bare ``AssertionError``, neither saying
    which file. Picklable (data-loader workers may be spawned): it calls
    the dataset class's own method, not a stored bound method.
    """

    def __init__(self, dataset) -> None:
        self.dataset = dataset

    def __call__(self, idx: int):
        ds = self.dataset
        try:
            return type(ds).prepare_data(ds, idx)
        except SampleLoadError:
            raise
        except Exception as e:
            info = ds.get_data_info(idx)
            name = getattr(ds, 'ann_file', '') or type(ds).__name__
            parts = [f'{name}: {info.get("img_path", "?")} (sample {idx})']
            why = image_problem(info.get('img_path', ''), decode=False) \
                if info.get('img_path') else None
            if why:
                parts.append(f'image {why}')
            for j, inst in enumerate(info.get('instances', [])):
                bad = polygon_problem(inst['polygon']) if inst.get(
                    'polygon') is not None else None
                if bad:
                    parts.append(f'instance {j}: {bad}')
            raise SampleLoadError(
                ': '.join(parts[:1]) + (': ' + '; '.join(parts[1:])
                                        if parts[1:] else '') +
                f' -- loading failed with {type(e).__name__}: {e}') from e


def name_load_errors(dataset) -> int:
    """Make the datasets under ``dataset`` (``ConcatDataset``,
    ``RepeatDataset`` ... included) raise :class:`SampleLoadError`;
    returns how many were wrapped."""
    inner = getattr(dataset, 'datasets', None) or (
        [dataset.dataset] if hasattr(dataset, 'dataset') else None)
    if inner is not None:
        return sum(name_load_errors(d) for d in inner)
    if not hasattr(dataset, 'prepare_data') or isinstance(
            dataset.__dict__.get('prepare_data'), NamedLoadErrors):
        return 0
    dataset.prepare_data = NamedLoadErrors(dataset)
    return 1


__all__ = ['image_problem', 'polygon_problem', 'dataset_problems',
           'SampleLoadError', 'NamedLoadErrors', 'name_load_errors']
