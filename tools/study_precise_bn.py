# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""A finished study's models with their BN statistics recomputed
(tools/recompute_bn.py), tested again into a new study work dir whose
report tools/study.py then writes.

    python tools/study_precise_bn.py work_dirs/study_dbnet_b1 \
        work_dirs/study_dbnet_b1_pbn --detectors dbnet
    # the report: the source study's own command, on the new work dir
    python tools/study.py --detectors dbnet ... \
        --work-dir work_dirs/study_dbnet_b1_pbn

For every profile and seed of SOURCE that has a comparison, each model of
``--detectors`` gets its final checkpoint's statistics recomputed with the
options its study run used (read from SOURCE's logs), and the twins are
tested again with tools/compare_twins.py; sim to real likewise. The
training's plateau records and logs are copied, so the report's plateau,
learning-curve and cost columns are the training's (the curve's points
were validated with the training's running statistics); its scores are
the recomputed models'. Resumable: a seed already compared is skipped.
"""
import warnings

# mmengine imports pkg_resources, which warns at every import.
warnings.filterwarnings('ignore', message='pkg_resources is deprecated')
import argparse  # noqa: E402
import glob  # noqa: E402
import os  # noqa: E402
import os.path as osp  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
from typing import List  # noqa: E402

from twin_report import run_logged  # noqa: E402

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n\n'.join(__doc__.split('\n\n')[1:]))
    parser.add_argument('source', help='a finished tools/study.py work dir')
    parser.add_argument('out', help='the new study work dir')
    parser.add_argument('--detectors', nargs='+', required=True,
                        help='detectors whose models are recomputed '
                        '(dbnet, dbnet-normlat, psenet, fcenet, textbpn)')
    parser.add_argument('--images', type=int, default=160,
                        help='training images per model (default 160: the '
                        "study's training split)")
    parser.add_argument('--batch-size', type=int, default=8,
                        help='batch size of the statistics pass (default 8)')
    return parser.parse_args(argv)


def run_options(log: str) -> List[str]:
    """The ``--cfg-options`` a study step ran with: the first line of its
    log is the command (``+ python ... --cfg-options k=v ...``)."""
    with open(log, encoding='utf-8') as f:
        first = f.readline().split()
    if first[:1] != ['+'] or '--cfg-options' not in first:
        raise ValueError(f'{log}: the first line is not a study command '
                         'with --cfg-options')
    return first[first.index('--cfg-options') + 1:]


def copy_training(src: str, dst: str) -> None:
    """The training's records: plateau.json, train.log and each run dir
    with validation scalars (learning curve, cost)."""
    os.makedirs(dst, exist_ok=True)
    for name in ('plateau.json', 'train.log'):
        if osp.isfile(osp.join(src, name)):
            shutil.copy2(osp.join(src, name), dst)
    for run in glob.glob(osp.join(src, '2*')):
        target = osp.join(dst, osp.basename(run))
        if osp.isfile(osp.join(run, 'vis_data', 'scalars.json')) and \
                not osp.exists(target):
            shutil.copytree(run, target)


def main(argv=None) -> int:
    args = parse_args(argv)
    py = sys.executable
    src, out = args.source, args.out
    if not osp.isfile(osp.join(src, 'pretrain', 'backbone.pth')):
        print(f'{src}: no pretrain/backbone.pth: not a finished study work '
              'dir', file=sys.stderr)
        return 1
    os.makedirs(osp.join(out, 'pretrain'), exist_ok=True)
    for name in ('backbone.pth', 'finished', 'probe.json'):
        if osp.isfile(osp.join(src, 'pretrain', name)):
            shutil.copy2(osp.join(src, 'pretrain', name),
                         osp.join(out, 'pretrain'))
    seeds = sorted(glob.glob(osp.join(src, 'synth_*', 'seed*',
                                      'comparison.csv')))
    if not seeds:
        print(f'{src}: no finished profile/seed (synth_*/seed*/'
              'comparison.csv)', file=sys.stderr)
        return 1
    done = 0
    for csv in seeds:
        seed_dir = osp.dirname(csv)
        profile = osp.basename(osp.dirname(seed_dir))
        seed = int(re.fullmatch(r'seed(\d+)', osp.basename(seed_dir))[1])
        names = [f'{d}-{i}_synth' for d in args.detectors
                 for i in ('oclip', 'scratch')
                 if osp.isdir(osp.join(seed_dir, f'{d}-{i}_synth'))]
        target = osp.join(out, profile, f'seed{seed}')
        if not names or osp.isfile(osp.join(target, 'comparison.csv')):
            continue
        opts = run_options(osp.join(src, f'{profile}_seed{seed}.log'))
        ckpts = []
        for name in names:
            model_dir = osp.join(target, name)
            copy_training(osp.join(seed_dir, name), model_dir)
            new = osp.join(model_dir, 'precise_bn.pth')
            run_logged([py, osp.join(ROOT, 'tools/recompute_bn.py'),
                        osp.join(ROOT, 'configs/study', name + '.py'),
                        osp.join(seed_dir, name, _final(seed_dir, name)),
                        new, '--images', str(args.images), '--batch-size',
                        str(args.batch_size), '--seed', str(seed),
                        '--cfg-options', *opts],
                       osp.join(model_dir, 'recompute_bn.log'),
                       f'{profile}, seed {seed}, {name}: BN statistics')
            ckpts.append(f'{name}={new}')
        run_logged([py, osp.join(ROOT, 'tools/compare_twins.py'),
                    *[osp.join(ROOT, 'configs/study', n + '.py')
                      for n in names],
                    '--work-dir', target, '--checkpoint', *ckpts,
                    '--cfg-options', *opts],
                   osp.join(out, f'{profile}_seed{seed}.log'),
                   f'{profile}, seed {seed}: testing {len(names)} models')
        done += 1
    for log in sorted(glob.glob(osp.join(src, 'sim2real_seed*.log'))):
        seed = int(re.search(r'seed(\d+)\.log$', log)[1])
        target = osp.join(out, 'sim2real', f'seed{seed}')
        models = osp.join(out, 'synth_icdar2015', f'seed{seed}')
        names = [n for n in (f'{d}-{i}_synth' for d in args.detectors
                             for i in ('oclip', 'scratch'))
                 if osp.isfile(osp.join(models, n, 'precise_bn.pth'))]
        if not names or osp.isfile(osp.join(target, 'comparison.csv')):
            continue
        run_logged([py, osp.join(ROOT, 'tools/compare_twins.py'),
                    *[osp.join(ROOT, 'configs/study', n + '.py')
                      for n in names],
                    '--work-dir', target, '--checkpoint',
                    *[f'{n}={osp.join(models, n, "precise_bn.pth")}'
                      for n in names],
                    '--cfg-options', *run_options(log)],
                   osp.join(out, f'sim2real_seed{seed}.log'),
                   f'sim to real, seed {seed}')
    print(f'{done} profile/seed(s) recomputed and tested into {out}; the '
          'report: the source study\'s tools/study.py command with '
          f'--work-dir {out}')
    return 0


def _final(seed_dir: str, name: str) -> str:
    """The model's final checkpoint (``last_checkpoint`` names it)."""
    with open(osp.join(seed_dir, name, 'last_checkpoint')) as f:
        return osp.basename(f.read().strip())


if __name__ == '__main__':
    sys.exit(main())
