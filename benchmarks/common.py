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
