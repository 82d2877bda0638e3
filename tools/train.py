# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Train with an MMEngine Runner: one CPU, one GPU, or many through
``--launcher pytorch`` (torchrun) / ``--launcher slurm``.

    python tools/train.py configs/pretrain/oclip_demo_synthetic.py
    torchrun --nproc_per_node 8 tools/train.py CONFIG --launcher pytorch
"""
import warnings

# mmengine imports pkg_resources, which warns at every import.
warnings.filterwarnings('ignore', message='pkg_resources is deprecated')
import argparse

from mmengine.runner import Runner

import oclip_mmocr  # noqa: F401  registers components, safe checkpoint types
from oclip_mmocr.utils.cli import (add_runner_args, load_runner_config,
                                   start_cpu_processes)


def main() -> None:
    parser = argparse.ArgumentParser(description='Train a model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument(
        '--resume',
        nargs='?',
        const='auto',
        help='resume from the given checkpoint, or the latest one in the '
        'work dir if no path is given')
    parser.add_argument(
        '--amp', action='store_true',
        help='mixed precision: bf16 autocast on GPUs that support it, fp16 '
        'with loss scaling on others, fp32 on a CPU')
    parser.add_argument(
        '--check-data',
        action='store_true',
        help='before training, open every image of the datasets and check '
        'every polygon; list all problems (file, instance) and stop if any')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the learning rate with the actual global batch size')
    add_runner_args(parser)
    args = parser.parse_args()
    cfg = load_runner_config(args.config, args)
    start_cpu_processes(cfg)
    if args.amp:
        cfg.optim_wrapper.type = 'AutoMixedPrecisionOptimWrapper'
    if args.resume == 'auto':
        cfg.resume = True
        # A config that starts from whole weights (load_from) still does on
        # its first run; later runs resume (SafeResumeHook).
        if cfg.get('load_from'):
            cfg.init_load_from = cfg.load_from
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    if args.check_data:
        hooks = [h for h in cfg.get('custom_hooks', [])
                 if h.get('type') != 'DataCheckHook']
        cfg.custom_hooks = hooks + [
            dict(type='DataCheckHook', check_images=True)
        ]
    if args.auto_scale_lr:
        if not cfg.get('auto_scale_lr'):
            raise ValueError('--auto-scale-lr needs auto_scale_lr.'
                             'base_batch_size in the config')
        cfg.auto_scale_lr.enable = True
    runner = Runner.from_cfg(cfg)
    runner.train()


if __name__ == '__main__':
    main()
