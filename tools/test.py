# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Evaluate a checkpoint with an MMEngine Runner (the config's test loop and
evaluator), optionally dumping every prediction for offline analysis.

    python tools/test.py CONFIG CHECKPOINT [--dump preds.pkl]
    python tools/test.py CONFIG CHECKPOINT --show-dir vis/   # drawn results
    torchrun --nproc_per_node 8 tools/test.py CONFIG CKPT --launcher pytorch

``--dump`` adds MMEngine's ``DumpResults`` to the evaluators: the pickle
holds one dict per image with ``pred_instances`` and ``gt_instances``, which
``tools/compare_twins.py`` scores at several thresholds.

The finetune configs evaluate with MMOCR's number and the dataset's official
protocol side by side (``configs/finetune/_base_/evaluation.py``); for a
spotter, every lexicon of the config's ``spotting_lexicons`` whose files
exist is scored as well. The end of the output labels each number with the
protocol it follows.
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
    add_lexicon_metrics(cfg)
    metrics = Runner.from_cfg(cfg).test()
    from mmengine.dist import is_main_process
    if is_main_process():
        print(protocol_summary(metrics))


#: Metric prefix -> the protocol its numbers follow.
PROTOCOLS = {
    'icdar': "MMOCR's HmeanIOUMetric (float polygons, best of its score "
             'sweep)',
    'icdar2015_rrc': 'ICDAR2015 official: RRC script on the submission\'s '
                     'integer quadrilaterals (best of the sweep)',
    'ctw1500_voc': 'CTW1500 official: ctw1500_eval.py on integer polygons '
                   '(best of the sweep)',
    'deteval': 'Total-Text official: Deteval.py on integer polygons '
               '(tr 0.7 / tp 0.6; tr0.8_tp0.4_* the second setting)',
    'e2e': 'end to end, no lexicon (official script, submission geometry)',
    'spot': 'word spotting, no lexicon (official script)',
    'gt_rec': "the recogniser on the ground-truth polygons (word accuracy; "
              'detection aside)',
    'pretrain': 'oCLIP pretraining validation: masked-character accuracy, '
                'image<->text retrieval',
}


def protocol_summary(metrics: dict) -> str:
    """The test metrics grouped by prefix, each group labelled with its
    protocol."""
    groups = {}
    for key, value in metrics.items():
        prefix, _, name = key.rpartition('/')
        groups.setdefault(prefix, []).append((name, value))
    lines = ['', 'protocols:']
    for prefix, items in groups.items():
        label = PROTOCOLS.get(prefix)
        if label is None and prefix.startswith('e2e_'):
            label = f'end to end with the {prefix[4:]} lexicon (official)'
        shown = ', '.join(f'{n} {v:.4f}' if isinstance(v, float) else
                          f'{n} {v}' for n, v in items)
        lines.append(f'  {prefix or "-"}: {shown}')
        lines.append(f'      ({label or "as the metric defines"})')
    return '\n'.join(lines)


def add_lexicon_metrics(cfg) -> None:
    """Score every lexicon of ``spotting_lexicons`` whose files exist."""
    from oclip_mmocr.evaluation.protocol_scores import (available_lexicons,
                                                        lexicon_evaluators)
    found, missing = available_lexicons(cfg)
    evaluators = cfg.test_evaluator
    if not isinstance(evaluators, (list, tuple)):
        evaluators = [evaluators]
    extra = lexicon_evaluators(evaluators, found)
    if extra:
        cfg.test_evaluator = list(evaluators) + extra
    if missing:
        print(f'lexicons not scored (files not found): {", ".join(missing)}')


if __name__ == '__main__':
    main()
