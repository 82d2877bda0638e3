# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Where a study's time went, read back from MMEngine's text logs.

The study's budget (docs/embedded_benchmark.md) is a sum of model runs;
each run leaves ``<work_dir>/<timestamp>/<timestamp>.log``, whose lines
carry the wall-clock second they were written. A training log splits into
training and the validations inside it (a validation runs from the last
line before its first ``Epoch(val)`` line to its last one); a log with
``Epoch(test)`` lines is a test run, counted whole (model build and
checkpoint loading are part of what a test costs).
"""
import datetime
import glob
import os.path as osp
import re
from typing import Dict, Iterable

_STAMP = re.compile(r'^(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d) - mmengine - ')

#: The phases a run's seconds are split into.
PHASES = ('train', 'val', 'test')


def _lines(path: str) -> Iterable:
    """``(seconds since the epoch, phase or None)`` of each stamped line."""
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            m = _STAMP.match(line)
            if not m:
                continue
            t = datetime.datetime.strptime(m.group(1), '%Y/%m/%d %H:%M:%S')
            phase = next((p for p in PHASES if f'Epoch({p})' in line), None)
            yield t.timestamp(), phase


def log_costs(path: str) -> Dict[str, float]:
    """Seconds of training, validation and testing in one MMEngine log."""
    out = dict.fromkeys(PHASES, 0.)
    stamps = list(_lines(path))
    if not stamps:
        return out
    total = stamps[-1][0] - stamps[0][0]
    if any(p == 'test' for _, p in stamps):
        out['test'] = total
        return out
    prev = stamps[0][0]
    start = last = None
    for t, phase in stamps:
        if phase == 'val':
            if start is None:
                start = prev
            last = t
        elif phase == 'train' and start is not None:
            out['val'] += last - start
            start = None
        prev = t
    if start is not None:
        out['val'] += last - start
    out['train'] = total - out['val']
    return out


def run_costs(run_dir: str) -> Dict[str, float]:
    """Seconds per phase of the model whose runs are logged in
    ``run_dir`` (``<timestamp>/<timestamp>.log``): the training's pieces
    summed (an interrupted run and its resumption), the latest test alone
    (a study run again with more detectors tests every model again; a
    fresh run tests each once)."""
    out = dict.fromkeys(PHASES, 0.)
    for path in sorted(glob.glob(osp.join(run_dir, '*', '*.log'))):
        got = log_costs(path)
        out['train'] += got['train']
        out['val'] += got['val']
        if got['test']:
            out['test'] = got['test']
    return out
