# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Plot training curves from MMEngine's scalar logs (like MMDetection's
analyze_logs.py).

    python tools/plot_logs.py work_dirs/demo/pretrain --out curves.png
    python tools/plot_logs.py work_dirs/a work_dirs/b --keys loss icdar/hmean

Each argument is a work dir (every ``*/vis_data/scalars.json`` under it,
in time order, so a resumed run continues its curve) or a
``scalars.json`` file. Training scalars (losses, accuracies; default: every
key starting with ``loss`` or ending in ``acc``) are plotted against the
iteration; validation metrics (keys with a ``/``, e.g. ``icdar/hmean``)
against the evaluation step (epoch), in a second panel.
"""
import argparse
import glob
import json
import os.path as osp
import sys
from collections import defaultdict
from typing import Dict, List, Tuple


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n\n'.join(__doc__.split('\n\n')[1:]))
    parser.add_argument('runs', nargs='+',
                        help='work dirs or scalars.json files')
    parser.add_argument('--keys', nargs='+', default=None,
                        help='scalars to plot (default: losses, accuracies '
                        'and validation metrics)')
    parser.add_argument('--out', default='curves.png', help='PNG to write')
    parser.add_argument('--smooth', type=int, default=1,
                        help='moving average over this many points')
    return parser.parse_args(argv)


def scalar_files(run: str) -> List[str]:
    if osp.isfile(run):
        return [run]
    return sorted(glob.glob(osp.join(run, '*', 'vis_data', 'scalars.json')))


def read_scalars(files: List[str]) -> Tuple[Dict, Dict]:
    """Training series ``{key: [(iter, value)]}`` and validation series
    ``{key: [(step, value)]}`` (later files continue earlier ones)."""
    train, val = defaultdict(dict), defaultdict(dict)
    for path in files:
        with open(path) as f:
            for line in f:
                rec = json.loads(line)
                is_val = any('/' in k for k in rec)
                x = rec.get('step', rec.get('iter'))
                for k, v in rec.items():
                    if k in ('step', 'iter', 'epoch') or not isinstance(
                            v, (int, float)):
                        continue
                    (val if is_val else train)[k][x] = v
    return ({k: sorted(v.items()) for k, v in train.items()},
            {k: sorted(v.items()) for k, v in val.items()})


def default_keys(train: Dict, val: Dict) -> List[str]:
    keys = [k for k in train if k.startswith('loss') or k.endswith('acc')]
    keys += [k for k in val if k.split('/')[-1] in ('hmean', 'e2e_hmean',
                                                    'accuracy')]
    return keys


def _smooth(ys: List[float], n: int) -> List[float]:
    if n <= 1:
        return ys
    out, acc = [], []
    for y in ys:
        acc.append(y)
        acc = acc[-n:]
        out.append(sum(acc) / len(acc))
    return out


def main(argv=None) -> int:
    args = parse_args(argv)
    runs = []
    for run in args.runs:
        files = scalar_files(run)
        if not files:
            print(f'error: no scalars.json under {run} (MMEngine writes '
                  '<work_dir>/<timestamp>/vis_data/scalars.json)',
                  file=sys.stderr)
            return 1
        runs.append((run, *read_scalars(files)))
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    keys = args.keys or sorted({k for _, t, v in runs
                                for k in default_keys(t, v)})
    train_keys = [k for k in keys if '/' not in k]
    val_keys = [k for k in keys if '/' in k]
    panels = [p for p in (train_keys, val_keys) if p]
    if not panels:
        print(f'error: none of {keys} was logged', file=sys.stderr)
        return 1
    fig, axes = plt.subplots(1, len(panels), figsize=(6 * len(panels), 4),
                             squeeze=False)
    for ax, panel in zip(axes[0], panels):
        validation = panel is val_keys
        for run, train, val in runs:
            series = val if validation else train
            for k in panel:
                if k not in series:
                    continue
                xs, ys = zip(*series[k])
                label = k if len(runs) == 1 else f'{osp.basename(run)}: {k}'
                marker = 'o' if validation else (
                    '.' if len(xs) < 30 else None)
                ax.plot(xs, _smooth(list(ys), 1 if validation else
                                    args.smooth),
                        marker=marker, label=label)
        ax.set_xlabel('evaluation (epoch)' if validation else 'iteration')
        ax.set_title('validation' if validation else 'training')
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(args.out, dpi=120)
    plt.close(fig)
    print(f'{len(keys)} curves from {len(runs)} run(s) -> {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
