# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""How far a mixed-precision pretraining run drifts from fp32.

Trains the demo config twice from the same seed and data order for
``--iters`` iterations, once in fp32 and once with
``AutoMixedPrecisionOptimWrapper`` in ``--dtype`` (bf16 autocast on the CPU
here; on a GPU the wrapper picks bf16 or fp16 itself), logging the loss at
every iteration, and reports how far apart the two loss curves are (raw and
smoothed over ``--window`` iterations), in a table docs/speed.md shows.

    python benchmarks/amp_loss_curve.py --iters 320 --write-doc docs/speed.md
"""
import argparse
import json
import os.path as osp
import statistics
import sys
import tempfile
from glob import glob
from typing import List

import torch
from mmengine.config import Config
from mmengine.runner import Runner

sys.path.insert(0, __file__.rsplit('/', 1)[0])
from common import machine_line, write_doc_block  # noqa: E402

import oclip_mmocr  # noqa: E402,F401

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIG = osp.join(REPO, 'configs/pretrain/oclip_demo_synthetic.py')


def train(work_dir: str, iters: int, data_root: str, amp: bool,
          dtype: str) -> List[float]:
    cfg = Config.fromfile(CONFIG)
    per_epoch = cfg.train_dataloader.dataset.num_images // \
        cfg.train_dataloader.batch_size
    epochs = -(-iters // per_epoch)
    cfg.work_dir = work_dir
    # MMEngine's visualizer is a per-name singleton: a second runner in this
    # process would write its scalars into the first one's folder.
    cfg.visualizer.name = 'visualizer_' + osp.basename(work_dir)
    cfg.train_cfg.max_epochs = epochs
    cfg.param_scheduler[1].update(end=epochs, T_max=epochs)
    if data_root:
        cfg.train_dataloader.dataset.data_root = data_root
    cfg.train_dataloader.num_workers = 0
    cfg.train_dataloader.persistent_workers = False
    cfg.default_hooks.logger.interval = 1
    cfg.default_hooks.checkpoint.interval = 10**6
    cfg.custom_hooks = [h for h in cfg.custom_hooks
                        if h.type != 'ExportBackboneHook']
    if amp:
        cfg.optim_wrapper.type = 'AutoMixedPrecisionOptimWrapper'
        if not torch.cuda.is_available():
            cfg.optim_wrapper.cpu_dtype = dtype
    Runner.from_cfg(cfg).train()
    scalars = sorted(glob(osp.join(work_dir, '*', 'vis_data',
                                   'scalars.json')))[-1]
    with open(scalars) as f:
        rows = [json.loads(line) for line in f]
    losses = [r['loss'] for r in rows if 'loss' in r]
    return losses[:iters]


def smooth(x: List[float], k: int) -> List[float]:
    return [statistics.mean(x[max(0, i - k + 1):i + 1]) for i in
            range(len(x))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--iters', type=int, default=320)
    parser.add_argument('--dtype', default='bfloat16',
                        help='CPU autocast dtype of the mixed run')
    parser.add_argument('--window', type=int, default=32)
    parser.add_argument('--data-root', default=None,
                        help="default: the demo config's")
    parser.add_argument('--write-doc', '--write-readme', dest='write_doc',
                        default=None, metavar='PAGE',
                        help='write the table into PAGE (docs/speed.md) '
                        'between its <!-- bench:amp-demo --> markers')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = train(osp.join(tmp, 'fp32'), args.iters, args.data_root,
                     False, args.dtype)
        mixed = train(osp.join(tmp, 'amp'), args.iters, args.data_root,
                      True, args.dtype)
    n = min(len(fp32), len(mixed))
    fp32, mixed = fp32[:n], mixed[:n]
    raw = [abs(a - b) for a, b in zip(fp32, mixed)]
    s32, smx = smooth(fp32, args.window), smooth(mixed, args.window)
    sm = [abs(a - b) / a for a, b in zip(s32, smx)]
    mode = 'GPU (bf16 or fp16, chosen by the wrapper)' if \
        torch.cuda.is_available() else f'{args.dtype} autocast on the CPU'
    w = args.window
    lines = [
        f'{machine_line("cuda" if torch.cuda.is_available() else "cpu")}. '
        f'Demo pretraining, {n} iterations, fp32 vs {mode}, same seed and '
        'data order.', '',
        '| | fp32 | mixed | difference |', '| --- | --- | --- | --- |',
        f'| first loss | {fp32[0]:.4f} | {mixed[0]:.4f} | '
        f'{raw[0]:.1e} |',
        f'| last loss ({w}-iteration mean) | {s32[-1]:.4f} | {smx[-1]:.4f} '
        f'| {abs(s32[-1] - smx[-1]) / s32[-1]:.2%} |',
        f'| mean \\|difference\\| per iteration | | | {statistics.mean(raw):.4f} |',
        f'| largest relative difference of the {w}-iteration means | | | '
        f'{max(sm):.2%} |',
    ]
    table = '\n'.join(lines)
    print(table)
    if args.write_doc:
        write_doc_block(args.write_doc, 'amp-demo', table)


if __name__ == '__main__':
    main()
