# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""oCLIP vs baseline accuracy: test (optionally train) twin configs, then
write a Markdown table, a CSV and a bar chart. (Speed is measured by
benchmarks/.)

    # every oCLIP/baseline pair in configs/finetune whose test set is present,
    # checkpoints from <work-dir>/<config>/last_checkpoint
    python tools/compare_twins.py
    # train first, then test; explicit configs; published numbers alongside
    python tools/compare_twins.py configs/finetune/dbnet/dbnet_r50-*_icdar2015.py \
        --train --reference ../shared/reference/published_results.md
    # an explicit checkpoint for one config
    python tools/compare_twins.py A.py B.py --checkpoint A=/path/epoch_1200.pth

Each model is scored from the same predictions with MMOCR's
HmeanIOUMetric, twice: the best hmean over MMOCR's score-threshold sweep
(what MMOCR reports) and the hmean at one fixed threshold (--fixed-thr, the
same for every model and not tuned on the test set); then, at the fixed
threshold, with each dataset's official protocol on exactly the files
tools/make_submission.py would write (ICDAR2015: RRC IoU; CTW1500:
VOC-polygon IoU; Total-Text: DetEval 0.7/0.6 and 0.8/0.4, and IoU;
spotters: end to end and word spotting, with each lexicon whose files the
config's spotting_lexicons finds). Training and testing run in
subprocesses (tools/train.py, tools/test.py), one at a time; their output
goes to train.log / test.log in each config's work dir, and the console
shows progress and the tables.
"""
import argparse
import glob
import logging
import os
import os.path as osp
import pickle
import sys
import warnings
from typing import Dict, List

import numpy as np
# mmengine imports pkg_resources, which warns at every import.
warnings.filterwarnings('ignore', message='pkg_resources is deprecated')
from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.logging import MMLogger  # noqa: E402
from mmengine.runner import find_latest_checkpoint  # noqa: E402
from twin_report import (build_rows, describe_config,  # noqa: E402
                         parse_published, plot_chart, run_logged,
                         to_markdown, write_csv)

from oclip_mmocr.evaluation import score_predictions  # noqa: E402
from oclip_mmocr.evaluation.bootstrap import image_counts  # noqa: E402
from oclip_mmocr.utils.cli import config_variables  # noqa: E402

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n\n'.join(__doc__.split('\n\n')[1:]))
    parser.add_argument('configs', nargs='*',
                        help='finetune configs (default: every twin in '
                        'configs/finetune whose test set is present)')
    parser.add_argument('--work-dir', default='work_dirs/compare_twins',
                        help='per-config work dirs <work-dir>/<config>')
    parser.add_argument('--out', default=None,
                        help='where the table, CSV and chart go '
                        '(default: <work-dir>)')
    parser.add_argument('--train', action='store_true',
                        help='train each config before testing it')
    parser.add_argument('--skip-trained', action='store_true',
                        help='with --train: keep a model whose work dir '
                        'already holds the final checkpoint of its schedule '
                        '(epoch_<max_epochs>.pth / iter_<max_iters>.pth); '
                        'delete the work dir to retrain it')
    parser.add_argument('--checkpoint', nargs='+', default=[],
                        metavar='CONFIG=PATH',
                        help='checkpoint for a config (name without .py)')
    parser.add_argument('--fixed-thr', type=float, default=0.5,
                        help='the fixed score threshold (default 0.5)')
    parser.add_argument('--reference', default=None,
                        help='published_results.md: add its hmean column')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='passed to tools/train.py and tools/test.py')
    return parser.parse_args()


def dataset_present(cfg) -> bool:
    ds = cfg.test_dataloader.dataset
    if ds.get('type') == 'SyntheticTextDetDataset':
        return True  # generated on first use
    return osp.isfile(
        osp.join(ds.get('data_root', ''), ds.get('ann_file', '')))


def default_configs() -> List[str]:
    found = []
    for path in sorted(glob.glob(osp.join(ROOT, 'configs/finetune/*/*.py'))):
        name = osp.basename(path)
        if name.startswith('_') or not any(
                t in name for t in ('-oclip', '-imagenet')):
            continue
        if dataset_present(Config.fromfile(path)):
            found.append(osp.relpath(path))
    return found


def parse_cfg_options(options: List[str]) -> Dict:
    """``KEY=VALUE`` strings parsed as MMEngine's tools parse them."""
    if not options:
        return {}
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args(['--cfg-options', *options]).cfg_options


def is_trained(work_dir: str, cfg) -> bool:
    """Whether work_dir's last checkpoint ends the config's schedule."""
    ckpt = find_latest_checkpoint(work_dir)
    train_cfg = cfg.get('train_cfg') or {}
    if ckpt is None:
        return False
    if 'max_epochs' in train_cfg:
        final = f"epoch_{train_cfg['max_epochs']}.pth"
    elif 'max_iters' in train_cfg:
        final = f"iter_{train_cfg['max_iters']}.pth"
    else:
        return False
    return osp.basename(ckpt) == final


def main() -> int:
    args = parse_args()
    configs = args.configs or default_configs()
    if not configs:
        print('no config to compare: no dataset of configs/finetune is '
              'present (see docs/data.md, "Preparing the datasets")',
              file=sys.stderr)
        return 1
    explicit = dict(c.split('=', 1) for c in args.checkpoint)
    overrides = parse_cfg_options(args.cfg_options)
    opts = ['--cfg-options', *args.cfg_options] if args.cfg_options else []
    out_dir = args.out or args.work_dir
    os.makedirs(out_dir, exist_ok=True)
    py = sys.executable
    results: List[Dict] = []
    for i, config in enumerate(configs, 1):
        # Top-level options (lexicon_root=...) are read while parsing.
        with config_variables(overrides):
            cfg = Config.fromfile(config)
        # The schedule train.py runs (e.g. train_cfg.max_epochs=2); the
        # dataset keeps the config's name for its protocol.
        run_cfg = cfg.copy()
        run_cfg.merge_from_dict(overrides)
        info = describe_config(config, cfg)
        work_dir = osp.join(args.work_dir, info['config'])
        step = f'[{i}/{len(configs)}] {info["config"]}:'
        if args.train and args.skip_trained and is_trained(work_dir, run_cfg):
            print(f'{step} trained before '
                  f'({find_latest_checkpoint(work_dir)})', flush=True)
        elif args.train:
            run_logged([py, osp.join(ROOT, 'tools/train.py'), config,
                        '--work-dir', work_dir, *opts],
                       osp.join(work_dir, 'train.log'), f'{step} training')
        ckpt = explicit.get(info['config']) or \
            find_latest_checkpoint(work_dir)
        if ckpt is None:
            print(f'{config}: no checkpoint (looked for {work_dir}/'
                  'last_checkpoint); pass --train or --checkpoint '
                  f'{info["config"]}=PATH', file=sys.stderr)
            return 1
        dump = osp.join(work_dir, 'predictions.pkl')
        run_logged([py, osp.join(ROOT, 'tools/test.py'), config, ckpt,
                    '--work-dir', work_dir, '--dump', dump, *opts],
                   osp.join(work_dir, 'test.log'), f'{step} testing')
        with open(dump, 'rb') as f:
            samples = pickle.load(f)
        logger = MMLogger.get_current_instance()
        level = logger.level
        logger.setLevel(logging.WARNING)  # MMOCR logs every threshold
        try:
            info['scores'] = score_predictions(
                samples, args.fixed_thr, e2e_protocol=info['e2e_protocol'],
                dataset=info['dataset_key'], lexicons=info['lexicons'])
            # Per-image counts at the fixed threshold: the twins are tested
            # on the same images in the same order (the test loader does
            # not shuffle), which the paired interval relies on.
            info['counts'] = image_counts(samples, args.fixed_thr)
            # Kept for intervals over several runs (tools/study.py --seeds).
            np.save(osp.join(work_dir, 'image_counts.npy'), info['counts'])
        finally:
            logger.setLevel(level)
        info['test_images'] = len(samples)
        train_cfg = run_cfg.get('train_cfg', {})
        info['schedule'] = (f"{train_cfg['max_epochs']} epochs"
                            if 'max_epochs' in train_cfg else
                            f"{train_cfg.get('max_iters', '?')} iterations")
        info['checkpoint'] = ckpt
        if info['missing_lexicons'] and info['e2e_protocol'] in (
                'icdar2015', 'totaltext'):
            missing = ', '.join(info['missing_lexicons'])
            print(f'{step} no files for the {missing} lexicon(s) (config '
                  'spotting_lexicons; docs/evaluation.md): '
                  'those columns are left out', flush=True)
        results.append(info)

    reference = parse_published(args.reference) if args.reference else None
    rows = build_rows(results, reference)
    md = to_markdown(rows)
    paths = {k: osp.join(out_dir, f'comparison.{k}')
             for k in ('md', 'csv', 'png')}
    with open(paths['md'], 'w', encoding='utf-8') as f:
        f.write('# oCLIP vs baseline, text detection\n\n' + md)
    write_csv(rows, paths['csv'])
    plot_chart(rows, paths['png'])
    print('\n' + md)
    print('table: {md}\ncsv:   {csv}\nchart: {png}'.format(**paths))
    for r in results:
        print(f'checkpoint {r["config"]}: {r["checkpoint"]}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
