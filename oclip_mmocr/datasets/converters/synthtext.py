# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""SynthText ``gt.mat`` -> MMOCR 1.x annotation JSON (with transcriptions)."""
import os.path as osp
from typing import Dict, List, Optional

import numpy as np


def _cell_str(x) -> str:
    # loadmat wraps strings in (nested) numpy arrays.
    while isinstance(x, np.ndarray):
        if x.size != 1:
            return ''.join(str(v) for v in x.ravel())
        x = x.ravel()[0]
    return str(x)


def _words_of(txt_cell) -> List[str]:
    lines = [_cell_str(t) for t in np.atleast_1d(txt_cell).ravel()]
    return '\n'.join(lines).split()


def _corner_columns(bb, name: str, what: str, n: int,
                    gt_mat: str) -> np.ndarray:
    """``(2, 4, n)`` box corners (a single box may come as ``2 x 4``)."""
    bb = np.asarray(bb, dtype=np.float64)
    if bb.ndim == 2:
        bb = bb[:, :, None]
    if bb.shape[:2] != (2, 4) or bb.shape[2] != n:
        key = 'wordBB' if what == 'words' else 'charBB'
        raise ValueError(f'{gt_mat}: image {name} has {n} {what} but {key} '
                         f'of shape {bb.shape}')
    return bb


def _flat(pts: np.ndarray) -> List[float]:
    return [round(float(v), 2) for v in pts.reshape(-1)]


def convert_synthtext(gt_mat: str,
                      img_prefix: str = 'imgs',
                      limit: Optional[int] = None,
                      with_chars: bool = True) -> Dict:
    """Read SynthText's ``gt.mat`` and return an annotation dict.

    Each image's ``txt`` entries are split on whitespace into words, which
    pair one-to-one with the columns of its ``wordBB`` (``2 x 4 x n``, or
    ``2 x 4`` for a single word). Its ``charBB`` holds one box per
    character of those words, in order (spaces excluded): with
    ``with_chars`` each word also gets ``char_polygons``, one quadrilateral
    per character of its ``text`` (the character-level supervision of Mask
    TextSpotter v3's SynthText stage). A count mismatch is an error naming
    the image.

    Args:
        gt_mat (str): Path to ``gt.mat``.
        img_prefix (str): Folder of the images, relative to the dataset root
            (the images keep SynthText's ``<n>/<name>.jpg`` sub-paths).
        limit (int, optional): Convert only the first ``limit`` images.
        with_chars (bool): Keep the character boxes (when the file has
            ``charBB``). Defaults to True.

    Returns:
        dict: ``{'metainfo': ..., 'data_list': [...]}`` with ``polygon``,
        ``bbox``, ``bbox_label``, ``ignore``, ``text`` (and
        ``char_polygons``) per word: MMOCR's text-spotting layout.
    """
    import scipy.io
    try:
        mat = scipy.io.loadmat(gt_mat)
    except Exception as e:  # scipy raises several types for bad files
        raise ValueError(f'{gt_mat} is not a readable MATLAB file: {e}') \
            from None
    for key in ('imnames', 'wordBB', 'txt'):
        if key not in mat:
            raise ValueError(f'{gt_mat} has no "{key}" entry; is it '
                             'SynthText gt.mat?')
    names, boxes, txts = mat['imnames'][0], mat['wordBB'][0], mat['txt'][0]
    chars = mat['charBB'][0] if with_chars and 'charBB' in mat else None
    n = len(names) if limit is None else min(limit, len(names))
    data_list = []
    for i in range(n):
        name = _cell_str(names[i])
        words = _words_of(txts[i])
        bb = _corner_columns(boxes[i], name, 'words', len(words), gt_mat)
        cb = None if chars is None else _corner_columns(
            chars[i], name, 'characters', sum(map(len, words)), gt_mat)
        instances, first = [], 0
        for j, word in enumerate(words):
            pts = bb[:, :, j].T  # (4, 2)
            inst = dict(
                polygon=_flat(pts),
                bbox=[
                    round(float(pts[:, 0].min()), 2),
                    round(float(pts[:, 1].min()), 2),
                    round(float(pts[:, 0].max()), 2),
                    round(float(pts[:, 1].max()), 2)
                ],
                bbox_label=0,
                ignore=False,
                text=word)
            if cb is not None:
                inst['char_polygons'] = [
                    _flat(cb[:, :, k].T)
                    for k in range(first, first + len(word))
                ]
            first += len(word)
            instances.append(inst)
        data_list.append(
            dict(img_path=osp.join(img_prefix, name), instances=instances))
    return dict(
        metainfo=dict(
            dataset_type='TextDetDataset',
            task_name='textdet',
            category=[dict(id=0, name='text')]),
        data_list=data_list)
