# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Submission files for the official scripts and servers.

One function turns a predicted polygon into what a submission holds
(:func:`submission_polygon`: integer coordinates, RRC quadrilaterals where
the format needs them, still simple after rounding); the metrics'
``official_rounding`` option and the writers below both use it, so the
benchmark's official columns score exactly the files a user would submit.

Formats (one text file per test image, zipped or in a folder):

============== ===================== =========================================
format         file per image        line
============== ===================== =========================================
icdar2015-det  ``res_img_<n>.txt``   ``x1,y1,...,x4,y4`` (clockwise quad)
icdar2015-e2e  ``res_img_<n>.txt``   ``x1,y1,...,x4,y4,transcription``
totaltext-det  ``<image stem>.txt``  ``y1,x1,...,yk,xk`` (Deteval.py reads y
                                     first; ``order='xy'`` for copies that
                                     read x first, e.g. TextBPN's)
totaltext-e2e  ``<7-digit n>.txt``   ``x1,y1,...,xk,yk,####transcription``
                                     (AdelaiDet's layout, zipped)
ctw1500-det    ``<image stem>.txt``  ``x1,y1,...,xk,yk``
============== ===================== =========================================

Each format is the input of one named script (:data:`SCRIPTS`): the RRC
formats that of the ICDAR2015 Challenge 4 server (RRC
``rrc_evaluation_funcs``: integers, clockwise quadrilaterals, ``res_`` +
ground-truth name); totaltext-det that of the Total-Text repository's
``Deteval.py``; totaltext-e2e that of AdelaiDet's (ABCNet's) Total-Text
end-to-end evaluation (``adet/evaluation/text_evaluation.py`` writes
``<7-digit id>.txt`` files of ``x1,y1,...,####text`` lines, zipped, and
``text_eval_script.py`` scores them with the RRC end-to-end rule on
polygons); ctw1500-det that of the CTW1500 VOC-polygon script
(``ctw1500_eval.py``). PSENet's ``eval/tt/Deteval_rec.py`` despite its name
is a detection script reading ``y,x`` integers only: use totaltext-det for
it. Every written submission is read back by the rules of its script
(:func:`check_submission_files`), so a file that script would skip or
misread is an error here, not a silent zero there.
"""
import io
import os
import os.path as osp
import re
import zipfile
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np
import torch

from oclip_mmocr.utils.atomic_io import atomic_write_bytes, atomic_write_text
from oclip_mmocr.utils.polygon_repair import is_simple_polygon, repair_polygon

FORMATS = ('icdar2015-det', 'icdar2015-e2e', 'totaltext-det',
           'totaltext-e2e', 'ctw1500-det')

#: The script each format is written for.
SCRIPTS = {
    'icdar2015-det': 'the RRC ICDAR2015 Challenge 4 detection script '
                     '(task 4.1)',
    'icdar2015-e2e': 'the RRC ICDAR2015 Challenge 4 end-to-end script '
                     '(task 4.4)',
    'totaltext-det': "Total-Text's Evaluation_Protocol/Python_scripts/"
                     'Deteval.py',
    'totaltext-e2e': "AdelaiDet's adet/evaluation/text_eval_script.py "
                     '(Total-Text end to end)',
    'ctw1500-det': "CTW1500's ctw1500_eval.py (voc_eval_polygon)",
}

_INT = r'-?[0-9]+'
_POLY = rf'{_INT},{_INT}(?:,{_INT},{_INT}){{2,}}'
#: The file names each script reads and the line layout it parses.
_FILE_RULES = {
    'icdar2015-det': (r'res_img_[0-9]+\.txt', rf'{_INT}(?:,{_INT}){{7}}',
                      'res_img_<n>.txt', 'x1,y1,...,x4,y4'),
    'icdar2015-e2e': (r'res_img_[0-9]+\.txt',
                      rf'{_INT}(?:,{_INT}){{7}},.*', 'res_img_<n>.txt',
                      'x1,y1,...,x4,y4,transcription'),
    'totaltext-det': (r'[^/\\]+\.txt', _POLY, '<image stem>.txt',
                      'y1,x1,...,yk,xk'),
    'totaltext-e2e': (r'[0-9]+\.txt', rf'{_POLY},####.*', '<7-digit n>.txt',
                      'x1,y1,...,xk,yk,####transcription'),
    'ctw1500-det': (r'[0-9]+\.txt', _POLY, '<n>.txt', 'x1,y1,...,xk,yk'),
}


def rrc_is_clockwise(quad: np.ndarray) -> bool:
    """The RRC server's orientation test (``validate_clockwise_points``):
    the sum of ``(x2 - x1) * (y2 + y1)`` over the edges must not be
    positive (image coordinates, y down)."""
    p = np.asarray(quad, np.int64).reshape(4, 2)
    q = np.roll(p, -1, axis=0)
    return int(((q[:, 0] - p[:, 0]) * (q[:, 1] + p[:, 1])).sum()) <= 0


def _rrc_quad(pts: np.ndarray) -> np.ndarray:
    quad = np.round(pts).astype(np.int64).reshape(4, 2)
    return quad if rrc_is_clockwise(quad) else quad[::-1]


def submission_polygon(polygon: Sequence[float],
                       quadrilateral: bool = False) -> Optional[np.ndarray]:
    """A predicted polygon as a submission file holds it.

    Coordinates are rounded to the nearest integer (the official formats
    take integers). With ``quadrilateral`` (ICDAR2015), a polygon of more
    than 4 vertices becomes its minimum-area rectangle, and every quad is
    ordered clockwise as the RRC server requires. A polygon that rounding
    makes self-intersecting is repaired (:func:`repair_polygon`) and
    rounded again.

    Returns:
        np.ndarray or None: Flat int64 ``(2k,)``, or None when nothing of
        positive area is left at integer precision (the writers then leave
        the prediction out).
    """
    pts = np.asarray(polygon, np.float64).reshape(-1, 2)
    if len(pts) < 3 or not np.isfinite(pts).all():
        return None
    if quadrilateral:
        quad = _rrc_quad(pts) if len(pts) == 4 else None
        if quad is None or not is_simple_polygon(quad.reshape(-1)):
            # More than 4 vertices, or a quad that rounding (or the
            # detector) folded: its minimum-area rectangle.
            quad = _rrc_quad(
                cv2.boxPoints(cv2.minAreaRect(pts.astype(np.float32))))
        return quad.reshape(-1) if is_simple_polygon(
            quad.reshape(-1)) else None
    out = np.round(pts).astype(np.int64).reshape(-1)
    for _ in range(3):
        if is_simple_polygon(out):
            return out
        fixed = repair_polygon(out.astype(np.float64))
        if fixed is None:
            return None
        out = np.round(fixed).astype(np.int64)
    return out if is_simple_polygon(out) else None


def _to_numpy(x) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def submission_instances(pred: Dict, score_thr: float = 0.5,
                         quadrilateral: bool = False
                         ) -> Tuple[List[np.ndarray], List[str], np.ndarray,
                                    int]:
    """A sample's predictions as a submission holds them: polygons (int),
    texts ('' when there are none), scores, and how many were left out for
    having no area at integer precision. Predictions under ``score_thr``
    are not written."""
    scores = _to_numpy(pred.get('scores', [])).astype(np.float64).reshape(-1)
    polys = list(pred.get('polygons', []))
    texts = list(pred.get('texts', [''] * len(polys)))
    out_p, out_t, out_s, lost = [], [], [], 0
    for p, t, s in zip(polys, texts, scores):
        if s < score_thr:
            continue
        q = submission_polygon(p, quadrilateral)
        if q is None:
            lost += 1
            continue
        out_p.append(q)
        out_t.append(t)
        out_s.append(s)
    return out_p, out_t, np.asarray(out_s, np.float64), lost


def _rrc_text(text: str) -> str:
    """A transcription the RRC parser reads back unchanged: it unquotes a
    value wrapped in double quotes (unescaping ``\\\\`` and ``\\"``), so such
    a value is written quoted and escaped."""
    text = text.replace('\r', ' ').replace('\n', ' ')
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return '"' + text.replace('\\', '\\\\').replace('"', '\\"') + '"'
    return text


_STEM_RULES = {
    'icdar2015': (re.compile(r'^img_(\d+)$'), 'res_img_{n}.txt',
                  'ICDAR2015 test images are named img_<n>'),
    'totaltext-e2e': (re.compile(r'^img(\d+)$'), '{n:07d}.txt',
                      'Total-Text test images are named img<n>'),
    'ctw1500-det': (re.compile(r'^(\d+)$'), '{stem}.txt',
                    'CTW1500 test images are named <n> (1001.jpg ...)'),
}


def submission_file_name(img_path: str, fmt: str) -> str:
    """The file a format expects for one test image."""
    stem = osp.splitext(osp.basename(img_path))[0]
    if fmt == 'totaltext-det':
        return f'{stem}.txt'
    key = 'icdar2015' if fmt.startswith('icdar2015') else fmt
    pattern, name, hint = _STEM_RULES[key]
    m = pattern.match(stem)
    if m is None:
        raise ValueError(f'{img_path}: cannot name its {fmt} result file '
                         f'({hint}; the official scripts match results to '
                         'ground truth by that name)')
    return name.format(n=int(m.group(1)), stem=stem)


def submission_lines(polys: Sequence[np.ndarray], texts: Sequence[str],
                     fmt: str, order: str = 'yx') -> List[str]:
    """The lines of one result file (module docstring)."""
    lines = []
    for p, t in zip(polys, texts):
        xy = np.asarray(p, np.int64).reshape(-1, 2)
        if fmt == 'totaltext-det' and order == 'yx':
            xy = xy[:, ::-1]
        coords = ','.join(str(int(v)) for v in xy.reshape(-1))
        if fmt == 'icdar2015-e2e':
            lines.append(f'{coords},{_rrc_text(t)}')
        elif fmt == 'totaltext-e2e':
            # One detection per line: a line break would split it.
            t = t.replace('\r', ' ').replace('\n', ' ')
            lines.append(f'{coords},####{t}')
        else:
            lines.append(coords)
    return lines


def check_submission_files(files: Dict[str, str], fmt: str,
                           where: str = 'submission') -> None:
    """Read ``files`` (name -> content) as the format's script reads them
    (:data:`SCRIPTS`) and raise ``ValueError`` naming the file and line
    when a line would not parse, or when no file is one the script reads
    (it would report zeros without an error)."""
    if fmt not in FORMATS:
        raise ValueError(f'format must be one of {FORMATS}, got {fmt!r}')
    name_re, line_re, name_hint, line_hint = _FILE_RULES[fmt]
    readable = sorted(n for n in files if re.fullmatch(name_re, n))
    if not readable:
        shown = ', '.join(sorted(files)[:3]) or 'no files at all'
        raise ValueError(
            f'{where}: holds no file {SCRIPTS[fmt]} reads ({shown}); it '
            f'reads {name_hint} files of "{line_hint}" lines')
    for name in readable:
        for i, line in enumerate(files[name].split('\n')):
            if line and not re.fullmatch(line_re, line):
                raise ValueError(
                    f'{where}/{name} line {i + 1}: {line[:60]!r} is not a '
                    f'"{line_hint}" line, which {SCRIPTS[fmt]} reads')


def check_submission(path: str, fmt: str) -> int:
    """:func:`check_submission_files` on a written folder or ``.zip``;
    returns how many files the script would read."""
    if path.endswith('.zip'):
        with zipfile.ZipFile(path) as zf:
            files = {n: zf.read(n).decode('utf-8') for n in zf.namelist()}
    elif osp.isdir(path):
        files = {}
        for n in os.listdir(path):
            with open(osp.join(path, n), encoding='utf-8') as f:
                files[n] = f.read()
    else:
        raise FileNotFoundError(f'{path}: no such submission folder or zip')
    check_submission_files(files, fmt, path)
    name_re = _FILE_RULES[fmt][0]
    return sum(bool(re.fullmatch(name_re, n)) for n in files)


def write_submission(samples: Sequence[Dict], fmt: str, out: str,
                     score_thr: float = 0.5, order: str = 'yx'
                     ) -> Dict[str, int]:
    """Write the result files of ``samples`` (dumped test results: dicts
    with ``img_path`` and ``pred_instances``) for ``fmt``.

    ``out`` ending in ``.zip`` gives one archive (the RRC server takes
    that), anything else a folder. Every image gets a file, empty when
    nothing was predicted. Written atomically: a failure leaves no half
    archive.

    Returns:
        dict: ``files``, ``lines`` (predictions written) and ``lost``
        (left out: no area at integer precision).
    """
    if fmt not in FORMATS:
        raise ValueError(f'format must be one of {FORMATS}, got {fmt!r}')
    if order not in ('yx', 'xy'):
        raise ValueError(f"order must be 'yx' or 'xy', got {order!r}")
    if fmt.endswith('e2e') and samples and not any(
            'texts' in s['pred_instances'] for s in samples):
        raise ValueError(f'{fmt} needs transcriptions: these predictions '
                         'have none (a detector, not a spotter?)')
    files: Dict[str, str] = {}
    n_lines = lost = 0
    for s in samples:
        name = submission_file_name(s.get('img_path', ''), fmt)
        if name in files:
            raise ValueError(f"{s.get('img_path')}: a second image maps to "
                             f'{name}')
        polys, texts, _, n_lost = submission_instances(
            s['pred_instances'], score_thr,
            quadrilateral=fmt.startswith('icdar2015'))
        lines = submission_lines(polys, texts, fmt, order)
        files[name] = ''.join(ln + '\n' for ln in lines)
        n_lines += len(lines)
        lost += n_lost
    check_submission_files(files, fmt, out)
    if out.endswith('.zip'):
        os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as zf:
            for name in sorted(files):
                zf.writestr(name, files[name].encode('utf-8'))
        atomic_write_bytes(buf.getvalue(), out)
    else:
        os.makedirs(out, exist_ok=True)
        for name, text in files.items():
            atomic_write_text(text, osp.join(out, name))
    return dict(files=len(files), lines=n_lines, lost=lost)
