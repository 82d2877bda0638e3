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

from mmengine.runner import Runner

import oclip_mmocr  # noqa: F401  registers components, safe checkpoint types
from oclip_mmocr.utils.cli import (add_runner_args, load_runner_config,
                                   start_cpu_processes)


def main() -> None:
    parser = argparse.ArgumentParser(description='Test a model')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--dump', help='pickle file for all predictions')
    add_runner_args(parser)
    args = parser.parse_args()
    cfg = load_runner_config(args.config, args)
    start_cpu_processes(cfg)
    cfg.load_from = args.checkpoint
    if args.dump:
        evaluators = cfg.test_evaluator
        if not isinstance(evaluators, (list, tuple)):
            evaluators = [evaluators]
        cfg.test_evaluator = list(evaluators) + [
            dict(type='DumpResults', out_file_path=args.dump)
        ]
    Runner.from_cfg(cfg).test()


if __name__ == '__main__':
    main()
