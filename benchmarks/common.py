# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Measurement helpers shared by the benchmarks."""
import os
from contextlib import contextmanager

import torch


def peak_memory_mib(device: str) -> float:
    if device.startswith('cuda'):
        return torch.cuda.max_memory_allocated() / 2**20
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmHWM:'):
                return int(line.split()[1]) / 1024
    return float('nan')


def sync(device: str) -> None:
    if device.startswith('cuda'):
        torch.cuda.synchronize()


def timed(fn, device: str) -> float:
    """Seconds ``fn()`` takes, the device synchronised on both sides."""
    import time
    sync(device)
    start = time.perf_counter()
    fn()
    sync(device)
    return time.perf_counter() - start


@contextmanager
def autocast(device: str, dtype: str):
    if dtype == 'fp32':
        yield
        return
    with torch.autocast(device_type=device.split(':')[0],
                        dtype=dict(bf16=torch.bfloat16,
                                   fp16=torch.float16)[dtype]):
        yield


def describe_machine(device: str) -> str:
    if device.startswith('cuda'):
        return torch.cuda.get_device_name()
    return f'CPU, {torch.get_num_threads()} threads, {os.cpu_count()} cores'


def machine_line(device: str) -> str:
    """Machine, torch and date: the provenance line of a documented table."""
    import datetime
    import platform
    cpu = platform.processor() or 'unknown CPU'
    try:
        with open('/proc/cpuinfo') as f:
            cpu = next(line.split(':', 1)[1].strip() for line in f
                       if line.startswith('model name'))
    except (OSError, StopIteration):
        pass
    where = torch.cuda.get_device_name() if device.startswith('cuda') \
        else f'{cpu}, {torch.get_num_threads()} threads'
    return (f'{where}; torch {torch.__version__}; measured '
            f'{datetime.date.today().isoformat()}')


def write_doc_block(path: str, key: str, text: str) -> None:
    """Replace what lies between ``<!-- bench:KEY -->`` and
    ``<!-- /bench:KEY -->`` in ``path`` (the documented figures are the
    benchmark's own output, never edited by hand)."""
    begin, end = f'<!-- bench:{key} -->', f'<!-- /bench:{key} -->'
    with open(path) as f:
        doc = f.read()
    if begin not in doc or end not in doc:
        raise SystemExit(f'{path}: no block {begin} ... {end} to write into')
    head, rest = doc.split(begin, 1)
    _, tail = rest.split(end, 1)
    doc = f'{head}{begin}\n{text.rstrip()}\n{end}{tail}'
    with open(path + '.tmp', 'w') as f:
        f.write(doc)
    os.replace(path + '.tmp', path)
