# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Measurement helpers shared by the benchmarks."""
import ctypes
import os
import time
from contextlib import contextmanager
from typing import Callable, Dict

import torch


def reset_peak_memory(device: str) -> None:
    if device.startswith('cuda'):
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        return
    # Hand freed heap back to the OS first, or the previous variant's
    # leftovers count as this one's; then writing 5 to clear_refs resets the
    # peak RSS (VmHWM) on Linux.
    import gc
    gc.collect()
    try:
        ctypes.CDLL('libc.so.6').malloc_trim(0)
    except (OSError, AttributeError):
        pass
    try:
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')
    except OSError:
        pass


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


def time_steps(step: Callable[[], None], device: str, warmup: int,
               steps: int) -> Dict[str, float]:
    """Run ``warmup`` untimed and ``steps`` timed calls of ``step``."""
    for _ in range(warmup):
        step()
    sync(device)
    reset_peak_memory(device)
    start = time.perf_counter()
    for _ in range(steps):
        step()
    sync(device)
    seconds = (time.perf_counter() - start) / steps
    return dict(seconds=seconds, peak_mib=peak_memory_mib(device))


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
