# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Evaluate a checkpoint with an MMEngine Runner (the config's test loop and
evaluator), optionally dumping every prediction for offline analysis.

    python tools/test.py CONFIG CHECKPOINT [--dump preds.pkl]
    python tools/test.py CONFIG CHECKPOINT --show-dir vis/   # drawn results
    torchrun --nproc_per_node 8 tools/test.py CONFIG CKPT --launcher pytorch

``--dump`` adds MMEngine's ``DumpResults`` to the evaluators: the pickle
holds one dict per image with ``pred_instances`` and ``gt_instances``, which
``tools/compare_twins.py`` scores at several thresholds.
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
    parser = argparse.ArgumentParser(description='Test a model')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--dump', help='pickle file for all predictions')
    parser.add_argument(
        '--show-dir',
        help='draw every test image with its predictions and ground truth '
        "into this directory (MMOCR's --show-dir)")
    parser.add_argument(
        '--show', action='store_true', help='show each drawn image')
    add_runner_args(parser)
    args = parser.parse_args()
    cfg = load_runner_config(args.config, args)
    start_cpu_processes(cfg)
    cfg.load_from = args.checkpoint
    if args.show_dir or args.show:
        # MMOCR's VisualizationHook (in every detector/spotter config).
        vis = cfg.get('default_hooks', {}).get('visualization')
        if vis is None:
            parser.error('--show/--show-dir: this config has no '
                         'default_hooks.visualization')
        vis.update(enable=True, draw_pred=True, draw_gt=True, show=args.show)
        if args.show_dir:
            cfg.visualizer['save_dir'] = args.show_dir
            cfg.visualizer['vis_backends'] = [dict(type='LocalVisBackend')]
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
