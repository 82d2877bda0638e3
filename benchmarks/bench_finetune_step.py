# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Training iterations/s and peak memory of finetune configs, each at its own
training resolution and batch size.

Generated images (1280x720, words of many sizes) go through each config's
own training pipeline and the config's optimiser wrapper runs
``model.train_step`` (data preprocessor, forward, losses, backward, step);
the median of ``--steps`` timed iterations after ``--warmup`` is reported
with the ratio to the first config. Peak memory is the peak allocated on a
GPU during those iterations, counted from what was allocated before the
model was built, or the process's peak RSS on a CPU. Weights are random
(``init_cfg`` dropped): the figures are about compute.

    python benchmarks/bench_finetune_step.py --device cuda
    python benchmarks/bench_finetune_step.py --device cuda --amp CONFIG ...
"""
import argparse
import gc
import statistics
import tempfile
import time

import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

import oclip_mmocr  # noqa: F401
from mmocr.registry import DATASETS, MODELS
from oclip_mmocr.datasets.synthetic import generate_synthetic_split
from common import describe_machine, peak_memory_mib, sync  # noqa: I100

DEFAULT = [
    'configs/finetune/dbnet/dbnet_r50-oclip_1200e_icdar2015.py',
    'configs/finetune/psenet/psenet_r50-oclip_fpnf_600e_icdar2015.py',
    'configs/finetune/fcenet/fcenet_r50-oclip_fpn_1500e_icdar2015.py',
    'configs/finetune/textbpn/textbpn_r50-oclip_660e_ctw1500.py',
    'configs/finetune/mts/mts_r50-oclip_300e_icdar2015.py',
]


def train_pipeline(cfg):
    ds = cfg.train_dataloader.dataset
    while 'pipeline' not in ds or ds.pipeline is None:
        ds = ds.dataset  # wrappers (ConcatDataset, RepeatDataset...)
    return ds.pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('configs', nargs='*', default=DEFAULT)
    parser.add_argument('--steps', type=int, default=10)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--batch-size', type=int, default=None,
                        help="override the configs' batch sizes")
    parser.add_argument('--amp', action='store_true',
                        help='mixed precision (AmpOptimWrapper)')
    parser.add_argument('--device', default='cuda'
                        if torch.cuda.is_available() else 'cpu')
    args = parser.parse_args()
    init_default_scope('mmocr')
    dev = args.device
    root = tempfile.mkdtemp()
    generate_synthetic_split(root, 'train', num_images=16,
                             img_size=(720, 1280), seed=7, num_words=(4, 12))
    rows = []
    for path in args.configs:
        cfg = Config.fromfile(path)
        cfg.model.backbone.init_cfg = None
        bs = args.batch_size or cfg.train_dataloader.batch_size
        ds = DATASETS.build(
            dict(type='OCRDataset', data_root=root,
                 ann_file='textdet_train.json',
                 pipeline=train_pipeline(cfg)))
        samples = [ds[i % len(ds)] for i in range(bs * (args.warmup +
                                                        args.steps))]
        gc.collect()
        if dev.startswith('cuda'):
            torch.cuda.empty_cache()
            before = torch.cuda.memory_allocated()
            torch.cuda.reset_peak_memory_stats()
        model = MODELS.build(cfg.model).to(dev).train()
        optim_cfg = cfg.optim_wrapper
        if args.amp:
            optim_cfg.type = 'AmpOptimWrapper'
            optim_cfg.setdefault('loss_scale', 'dynamic')
        optim = build_optim_wrapper(model, optim_cfg)
        times, shapes = [], set()
        for i in range(args.warmup + args.steps):
            batch = pseudo_collate(samples[i * bs:(i + 1) * bs])
            sync(dev)
            t = time.perf_counter()
            losses = model.train_step(batch, optim)
            sync(dev)
            if i >= args.warmup:
                times.append(time.perf_counter() - t)
            shapes.add(tuple(batch['inputs'][0].shape[-2:]))
        finite = all(torch.isfinite(v).all() for v in losses.values())
        mem = (torch.cuda.max_memory_allocated() - before) / 2**20 \
            if dev.startswith('cuda') else peak_memory_mib(dev)
        rows.append((path.split('/')[-1], bs, sorted(shapes)[0],
                     statistics.median(times), mem, finite))
        del model, optim, samples, ds
    print(f'# {describe_machine(dev)}, torch {torch.__version__}, '
          f'{"AMP" if args.amp else "fp32"}, median of {args.steps} '
          f'iterations after {args.warmup}')
    print('| config | batch | input (HxW) | iterations/s | images/s | '
          'vs first | peak memory (MiB) | losses finite |')
    print('| --- | --- | --- | --- | --- | --- | --- | --- |')
    base = None
    for name, bs, shape, t, mem, finite in rows:
        base = base or 1 / t
        print(f'| {name} | {bs} | {shape[0]}x{shape[1]} | {1 / t:.2f} | '
              f'{bs / t:.1f} | {(1 / t) / base:.2f}x | {mem:.0f} | '
              f'{finite} |')


if __name__ == '__main__':
    main()
