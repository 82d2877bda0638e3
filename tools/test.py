# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Evaluate a checkpoint with an MMEngine Runner (the config's test loop and
evaluator), optionally dumping every prediction for offline analysis.

    python tools/test.py CONFIG CHECKPOINT [--dump preds.pkl]
    torchrun --nproc_per_node 8 tools/test.py CONFIG CKPT --launcher pytorch

``--dump`` adds MMEngine's ``DumpResults`` to the evaluators: the pickle
holds one dict per image with ``pred_instances`` and ``gt_instances``, which
``tools/benchmark.py`` scores at several thresholds.
"""
import argparse
import os
import os.path as osp

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

import oclip_mmocr  # noqa: F401  registers components, safe checkpoint types


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test a model')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--work-dir', help='where logs and metrics go')
    parser.add_argument('--dump', help='pickle file for all predictions')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    cfg.load_from = args.checkpoint
    if args.dump:
        evaluators = cfg.test_evaluator
        if not isinstance(evaluators, (list, tuple)):
            evaluators = [evaluators]
        cfg.test_evaluator = list(evaluators) + [
            dict(type='DumpResults', out_file_path=args.dump)
        ]
    runner = Runner.from_cfg(cfg)
    runner.test()


if __name__ == '__main__':
    main()
