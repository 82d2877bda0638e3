# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""The embedded benchmark study: does oCLIP pretraining help every detector?

One command, CPU-sized: one seed of every cell took about 70 min on 2
cores (measured before the learning curves' validations); the default three
seeds per model take about three times that (not yet timed as a whole):

1. pretrain oCLIP (the demo's narrow model) on the synth_pretrain profile;
   the spotter's first stage (MTS v3's SynthText stage, with character
   boxes) runs there too, for each twin;
2. for each finetuning profile (synth_icdar2015, synth_ctw1500,
   synth_totaltext), finetune DBNet, PSENet, FCENet, TextBPN and the spotter
   (spotter: synth_icdar2015 and synth_totaltext only, as in the paper)
   from the oCLIP trunk and from the same trunk randomly initialised
   (configs/study/*-{oclip,scratch}_synth.py), test each on the held-out
   split with tools/compare_twins.py;
3. sim to real: test the synth_icdar2015 models on real ICDAR2015 images
   (``--real-root``, default ../shared/data/icdar2015_sample, skipped if
   absent);
4. write ``study.md`` / ``study.csv`` / ``study.png`` in the work dir: best
   of thresholds and fixed-threshold hmean per detector x profile x trunk,
   oCLIP minus scratch, the spotter's end-to-end hmean and its
   recogniser's word accuracy on the ground-truth words, sim-to-real; each
   twin's mean and spread over the ``--seeds`` and the paired 95 % interval
   of the fixed-threshold difference (test images and seeds resampled); the
   iteration at which each model left its initial loss plateau; each
   model's learning curve (validation during training); the pretraining's
   own validation (masked characters, retrieval) and a linear probe of text
   pixels on its trunk against a random one (tools/linear_probe.py).

Finished steps are kept: run it again and it goes on where it stopped,
down to the model (a model whose work dir holds the final checkpoint of its
schedule is tested, not retrained; ``--fresh`` starts over).

    python tools/study.py                     # docs/embedded_benchmark.md
    python tools/study.py --seeds 1           # one seed: no spread
    python tools/study.py --quick             # one seed, two detectors
    python tools/study.py --jobs 2            # two models at a time
    python tools/study.py --epochs 1 --detectors dbnet --profiles \
        synth_totaltext --work-dir /tmp/s     # a tiny check
"""
import argparse
import csv
import glob
import json
import os
import os.path as osp
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List, Tuple

import numpy as np
from mmengine.runner import find_latest_checkpoint
from twin_report import fmt, plot_pairs, run_logged, write_csv

from study_costs import PHASES, run_costs

from oclip_mmocr.evaluation.bootstrap import paired_bootstrap

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
PROFILES = ('synth_icdar2015', 'synth_ctw1500', 'synth_totaltext')
DETECTORS = ('dbnet', 'psenet', 'fcenet', 'textbpn', 'mts', 'dbnet-normlat')
#: Table labels of the variants (the model type names the others).
VARIANT_LABELS = {'dbnet-normlat': 'DBNet, normalised laterals'}
#: The paper evaluates the spotter on ICDAR2015 and Total-Text only.
SPOTTER_PROFILES = ('synth_icdar2015', 'synth_totaltext')
#: The spotter's first stage on synth_pretrain (MTS v3 pretrains on
#: SynthText with character boxes before finetuning).
SPOTTER_PRETRAIN_IMAGES = 512
SPOTTER_PRETRAIN_EPOCHS = 8
#: --quick: the cheapest pair of detectors on one profile.
QUICK_PROFILES = ('synth_totaltext', )
QUICK_DETECTORS = ('dbnet', 'psenet')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n\n'.join(__doc__.split('\n\n')[1:]))
    parser.add_argument('--work-dir', default='work_dirs/study')
    parser.add_argument('--epochs', type=int, default=6,
                        help='finetuning epochs (DBNet, FCENet, TextBPN: '
                        'twice as many)')
    parser.add_argument('--batch-size', type=int, default=4,
                        help='images per iteration (DBNet: a quarter, '
                        'for four times the updates)')
    parser.add_argument('--train-images', type=int, default=160)
    parser.add_argument('--test-images', type=int, default=200,
                        help='held-out images per profile (200: a tight '
                        'image-level bootstrap; evaluation is cheap)')
    parser.add_argument('--pretrain-images', type=int, default=1024,
                        help='synth_pretrain images of the oCLIP '
                        'pretraining (1024: twice the 512 first used, '
                        'which left a DBNet twin on its plateau; '
                        'docs/embedded_benchmark.md)')
    parser.add_argument('--pretrain-epochs', type=int, default=None,
                        help='default: the demo config\'s')
    parser.add_argument('--spotter-pretrain-images', type=int,
                        default=SPOTTER_PRETRAIN_IMAGES,
                        help='synth_pretrain images of the spotter\'s first '
                        'stage (0: none, finetune from the trunk)')
    parser.add_argument('--spotter-pretrain-epochs', type=int,
                        default=SPOTTER_PRETRAIN_EPOCHS)
    parser.add_argument('--probe-images', type=int, default=48,
                        help='linear probe of the pretrained trunk: '
                        'images (half fit, half scored; 0: no probe)')
    parser.add_argument('--probe-profile', default='synth_totaltext',
                        help='the linear probe\'s images (synth_totaltext)')
    parser.add_argument('--seeds', type=int, default=3,
                        help='finetuning seeds per model (the seed moves '
                        'the heads\' init, the scratch trunk\'s init and '
                        'the data order; the pretrained trunk and the '
                        'spotter\'s first stage stay): the fixed-threshold '
                        'difference gets a paired bootstrap interval over '
                        'test images and seeds')
    parser.add_argument('--profiles', nargs='+', default=None,
                        choices=PROFILES, help='default: all (--quick: '
                        f'{" ".join(QUICK_PROFILES)})')
    parser.add_argument('--detectors', nargs='+', default=None,
                        choices=DETECTORS, help='default: all (--quick: '
                        f'{" ".join(QUICK_DETECTORS)})')
    parser.add_argument('--quick', action='store_true',
                        help='one seed, fewer cells (under 30 min on 2 '
                        'cores): a look, not a measurement')
    parser.add_argument('--jobs', type=int, default=1,
                        help='models trained at once (seeds, twins of the '
                        'spotter\'s first stage), the cores shared out '
                        'between them (OMP_NUM_THREADS); '
                        'benchmarks/bench_study_jobs.py measures the gain')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        metavar='KEY=V',
                        help='more options for every finetuning run (e.g. '
                        'param_scheduler.0.begin=8: a schedule to try), '
                        'named in the report; a model trained before with '
                        'other options is not retrained: use another '
                        '--work-dir')
    parser.add_argument('--real-root',
                        default=osp.join(ROOT, '..', 'shared', 'data',
                                         'icdar2015_sample'))
    parser.add_argument('--fresh', action='store_true',
                        help='delete the work dir first')
    args = parser.parse_args()
    if args.quick:
        args.seeds = 1
    args.profiles = args.profiles or list(
        QUICK_PROFILES if args.quick else PROFILES)
    args.detectors = args.detectors or list(
        QUICK_DETECTORS if args.quick else DETECTORS)
    return args


def read_rows(path: str) -> List[Dict]:
    with open(path, newline='', encoding='utf-8') as f:
        return list(csv.DictReader(f))


def num(v) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return float('nan')


def covered(out: str, configs: List[str]) -> bool:
    """Whether the run in ``out`` compared every pair of ``configs``
    (a run of fewer detectors is redone with all of them)."""
    path = osp.join(out, 'comparison.csv')
    if not osp.isfile(path):
        return False
    done = {r['pair'] for r in read_rows(path)}
    return all(
        osp.basename(c).replace('-oclip_', '_').replace('-scratch_', '_')
        [:-len('.py')] in done for c in configs)


def seed_dir(work: str, what: str, seed: int) -> str:
    """Where one finetuning seed of a profile (or of sim to real) runs."""
    return osp.join(work, what, f'seed{seed}')


def _stem(pair: str) -> str:
    """``'dbnet_synth'`` -> ``'dbnet'``: the configs' name before the twin."""
    return pair[:-len('_synth')] if pair.endswith('_synth') else pair


def twin_dir(folder: str, pair: str, init: str) -> str:
    """Where one twin (``'oclip'`` / ``'scratch'``) of a pair ran."""
    return osp.join(folder, f'{_stem(pair)}-{init}_synth')


def twin_counts(folders: List[str], pair: str):
    """Per-image fixed-threshold counts of a pair's twins over the seeds
    run in ``folders``, ``(seeds, images, 3)`` each (oCLIP, scratch), or
    None when a run has none (tools/compare_twins.py writes them)."""
    out = []
    for init in ('oclip', 'scratch'):
        paths = [osp.join(twin_dir(f, pair, init), 'image_counts.npy')
                 for f in folders]
        if not all(osp.isfile(p) for p in paths):
            return None
        runs = [np.load(p) for p in paths]
        if len({r.shape for r in runs}) != 1:
            return None
        out.append(np.stack(runs))
    return out if out[0].shape == out[1].shape else None


def plateau_exits(folders: List[str], pair: str) -> Dict:
    """Per twin, the iteration at which each seed's model left its initial
    plateau (``PlateauExitHook``'s ``plateau.json``; None: never), and the
    schedule's length."""
    out = {}
    for init in ('oclip', 'scratch'):
        recs = []
        for f in folders:
            path = osp.join(twin_dir(f, pair, init), 'plateau.json')
            if osp.isfile(path):
                with open(path, encoding='utf-8') as fh:
                    recs.append(json.load(fh))
        if recs:
            out[f'{init}_plateau_exit'] = [r['exit_iter'] for r in recs]
            out['iters'] = recs[0].get('max_iters')
    return out


def model_costs(folders: List[str], pair: str) -> Dict:
    """Per twin, the mean seconds per model of training, validation and
    testing over the seeds run in ``folders`` (their MMEngine logs), and
    the cell's total over seeds and twins."""
    out = {}
    total = 0.
    for init in ('oclip', 'scratch'):
        runs = [run_costs(twin_dir(f, pair, init)) for f in folders]
        runs = [r for r in runs if sum(r.values())]
        if runs:
            out[f'{init}_cost'] = {
                k: float(np.mean([r[k] for r in runs])) for k in PHASES}
            total += sum(sum(r.values()) for r in runs)
    if out:
        out['cost_total'] = total
    return out


#: The learning curve's metric: fixed-threshold detection hmean, logged by
#: the study configs' validation during training.
CURVE_KEY = 'fixed/hmean'


def scalar_records(run_dir: str, key: str) -> List[Dict]:
    """The MMEngine scalar records holding ``key`` of every run in
    ``run_dir`` (``<timestamp>/vis_data/scalars.json``), in time order."""
    recs = []
    for path in sorted(
            glob.glob(osp.join(run_dir, '*', 'vis_data', 'scalars.json'))):
        with open(path, encoding='utf-8') as f:
            recs += [r for r in map(json.loads, f) if key in r]
    return recs


def read_curve(run_dir: str, key: str = CURVE_KEY) -> Dict[int, float]:
    """One model's validation ``key`` per epoch (a resumed run's values
    replace the interrupted one's)."""
    return {int(r['step']): float(r[key])
            for r in scalar_records(run_dir, key)}


def learning_curves(folders: List[str], pair: str) -> Dict:
    """Per twin, ``[(epoch, mean, sd), ...]`` of the validation hmean over
    the seeds, at the epochs every seed's model was validated."""
    out = {}
    for init in ('oclip', 'scratch'):
        curves = [read_curve(twin_dir(f, pair, init)) for f in folders]
        curves = [c for c in curves if c]
        if not curves:
            continue
        epochs = sorted(set.intersection(*[set(c) for c in curves]))
        out[f'{init}_curve'] = [
            (e, float(np.mean([c[e] for c in curves])),
             float(np.std([c[e] for c in curves], ddof=1))
             if len(curves) > 1 else 0.) for e in epochs
        ]
    return out


def _curve(row: Dict, init: str) -> str:
    """``0.05 ± 0.01 → 0.20 ± 0.04 (epochs 4, 8)``."""
    points = row.get(f'{init}_curve')
    if not points:
        return '-'
    several = row.get('seeds', 1) > 1
    values = ' → '.join(
        fmt(m, 3) + (f' ± {fmt(sd, 3)}' if several else '')
        for _, m, sd in points)
    return f"{values} (epochs {', '.join(str(e) for e, _, _ in points)})"


def _exits(row: Dict) -> str:
    """``scratch / oCLIP`` plateau exits, one per seed ('never')."""
    if 'iters' not in row:
        return '-'
    per = [','.join('never' if e is None else str(e)
                    for e in row.get(f'{t}_plateau_exit', []))
           for t in ('scratch', 'oclip')]
    return f"{per[0]} / {per[1]} (of {row['iters']})"


#: The budget conditions a cell must meet to measure the pretraining
#: rather than the budget: every model out of its initial plateau before
#: this share of its schedule, the scratch baseline at least BASELINE_MIN,
#: no model at CEILING or above.
PLATEAU_BY = 0.5
BASELINE_MIN = 0.10
CEILING = 0.9


def cell_limits(row: Dict) -> List[str]:
    """What keeps a cell from measuring the pretraining (empty: nothing
    found): models that stayed on their initial plateau or left it late,
    a scratch baseline near zero, a ceiling."""
    out = []
    iters = row.get('iters')
    for init, label in (('scratch', 'scratch'), ('oclip', 'oCLIP')):
        exits = row.get(f'{init}_plateau_exit') or []
        never = sum(e is None for e in exits)
        late = sum(e is not None and iters and e > PLATEAU_BY * iters
                   for e in exits)
        if never:
            out.append(f'{label} never left its plateau in {never} of '
                       f'{len(exits)} seed(s)')
        if late:
            out.append(f'{label} left it after {PLATEAU_BY:.0%} of the '
                       f'schedule in {late} of {len(exits)} seed(s)')
    base = row.get('scratch_fixed', float('nan'))
    if base == base and base < BASELINE_MIN:
        out.append(f'scratch baseline {fmt(base, 3)} < {BASELINE_MIN}')
    top = max(row.get('scratch_fixed', 0.), row.get('oclip_fixed', 0.))
    if top >= CEILING:
        out.append(f'a twin at {fmt(top, 3)} >= {CEILING} (ceiling)')
    return out


def verdict(row: Dict) -> str:
    """Whether the fixed-threshold interval excludes zero, and which way."""
    if 'fixed_sig' not in row:
        return 'no interval'
    if not row['fixed_sig']:
        return 'no significant difference'
    diff = row.get('oclip_fixed', 0.) - row.get('scratch_fixed', 0.)
    return 'oCLIP ahead' if diff > 0 else 'oCLIP behind'


def _rows_over_seeds(folders: List[str], profile: str) -> List[Dict]:
    """One row per pair: each twin's mean and spread over the seeds of
    every protocol, and the paired interval of the fixed-threshold
    difference (bootstrap over test images and seeds)."""
    by_pair: Dict[str, Dict] = {}
    for folder in folders:
        for r in read_rows(osp.join(folder, 'comparison.csv')):
            stem = _stem(r['pair'])
            row = by_pair.setdefault(r['pair'], dict(
                detector=VARIANT_LABELS.get(stem, r['detector']),
                profile=profile,
                schedule=r['schedule'], test_images=r['test_images'],
                seeds=len(folders), runs={}))
            key = {'best': 'best', 'fixed': 'fixed', 'e2e_none': 'e2e',
                   'gt_rec': 'rec'}.get(r['protocol'])
            if key:
                for tag, col in (('scratch', 'baseline_hmean'),
                                 ('oclip', 'oclip_hmean')):
                    row['runs'].setdefault(f'{tag}_{key}', []).append(
                        num(r[col]))
    rows = []
    for pair, row in by_pair.items():
        for k, values in row.pop('runs').items():
            row[k] = float(np.mean(values))
            row[f'{k}_std'] = float(np.std(values, ddof=1)) \
                if len(values) > 1 else 0.
        row.update(plateau_exits(folders, pair))
        row.update(learning_curves(folders, pair))
        row.update(model_costs(folders, pair))
        counts = twin_counts(folders, pair)
        if counts is not None:
            res = paired_bootstrap(*counts)
            row.update(fixed_low=res['low'], fixed_high=res['high'],
                       fixed_sig=res['excludes_zero'])
        rows.append(row)
    return rows


def collect(work: str, profiles, real: bool, seeds: int = 1) -> List[Dict]:
    """One row per (detector, profile): both trunks' hmeans (means over
    the seeds run), the fixed-threshold interval, sim to real."""
    table = []
    for profile in profiles:
        folders = [seed_dir(work, profile, k) for k in range(seeds)]
        folders = [f for f in folders
                   if osp.isfile(osp.join(f, 'comparison.csv'))]
        if folders:
            table += _rows_over_seeds(folders, profile)
    if real:
        folders = [seed_dir(work, 'sim2real', k) for k in range(seeds)]
        folders = [f for f in folders
                   if osp.isfile(osp.join(f, 'comparison.csv'))]
        for r in _rows_over_seeds(folders, 'real') if folders else []:
            for row in table:
                if row['profile'] == 'synth_icdar2015' and \
                        row['detector'] == r['detector']:
                    for k in ('fixed', 'fixed_std'):
                        for tag in ('scratch', 'oclip'):
                            row[f'{tag}_real' + k[5:]] = r[f'{tag}_{k}']
                    for k in ('low', 'high', 'sig'):
                        if f'fixed_{k}' in r:
                            row[f'real_{k}'] = r[f'fixed_{k}']
                    if 'cost_total' in r:
                        row['real_cost_total'] = r['cost_total']
    return table


def _mean_std(row: Dict, key: str) -> str:
    m = row.get(key, float('nan'))
    if row.get('seeds', 1) > 1 and m == m:
        return f"{fmt(m, 3)} ± {fmt(row.get(key + '_std'), 3)}"
    return fmt(m, 3)


def _cell(row: Dict, key: str, interval: str = '') -> str:
    """``scratch / oCLIP / Δ`` (means over seeds, ± their spread with
    several seeds), then the difference's interval where there is one;
    ``*``: the interval excludes zero."""
    s = row.get(f'scratch_{key}', float('nan'))
    o = row.get(f'oclip_{key}', float('nan'))
    if s != s and o != o:
        return '-'
    cell = (f"{_mean_std(row, f'scratch_{key}')} / "
            f"{_mean_std(row, f'oclip_{key}')} / {fmt(o - s, 3, True)}")
    if interval and f'{interval}_low' in row:
        cell += (f" [{fmt(row[f'{interval}_low'], 3, True)}, "
                 f"{fmt(row[f'{interval}_high'], 3, True)}]" +
                 ('*' if row[f'{interval}_sig'] else ''))
    return cell


def dbnet_batch(args: argparse.Namespace) -> int:
    """DBNet's batch in the study (configs/study/dbnet-oclip_synth.py: a
    quarter of ``--batch-size``, for four times the updates)."""
    return max(1, args.batch_size // 4)


#: The batch of the pass that recomputes DBNet's BN statistics at the end
#: of training (configs/study/dbnet-oclip_synth.py, PreciseBNHook).
DBNET_PRECISE_BN_BATCH = 8


def write_outputs(work: str, table: List[Dict], wall: float,
                  args: argparse.Namespace) -> str:
    lines = [
        f'Study: {args.epochs} finetuning epochs (DBNet, FCENet, TextBPN '
        f'{2 * args.epochs}) of {args.train_images} images (batch '
        f'{args.batch_size}; DBNet {dbnet_batch(args)}, its BN statistics '
        f'recomputed at the end in batches of {DBNET_PRECISE_BN_BATCH}), '
        f'{args.seeds} seed(s) per model, tested on '
        f'{args.test_images} held-out images; '
        f'oCLIP pretrained on {args.pretrain_images} synth_pretrain images; '
        + (f"finetuning options {' '.join(args.cfg_options)}; "
           if getattr(args, 'cfg_options', None) else '')
        + (f'the spotter first trained {args.spotter_pretrain_epochs} epochs '
           f'on {args.spotter_pretrain_images} synth_pretrain images (its '
           'character boxes included), each twin; '
           if args.spotter_pretrain_images and 'mts' in args.detectors
           else '') +
        f'wall time of this run {wall / 60:.0f} min (a resumed run counts '
        'only the steps it did). Each cell: scratch / oCLIP / Δ, means over '
        'the seeds (± their standard deviation with several seeds); the '
        'fixed-threshold Δ with its 95 % paired bootstrap interval over '
        'test images and seeds (tools/study.py, oclip_mmocr/evaluation/'
        'bootstrap.py), `*` where it excludes zero.', '',
        '| detector | profile | best hmean | fixed-thr hmean, Δ [95 % '
        'interval] | E2E hmean | recognition of GT words | left the '
        'initial plateau at iteration: scratch / oCLIP |',
        '| --- | --- | --- | --- | --- | --- | --- |'
    ]
    for r in table:
        lines.append(f"| {r['detector']} | {r['profile']} | " + ' | '.join([
            _cell(r, 'best'), _cell(r, 'fixed', 'fixed'), _cell(r, 'e2e'),
            _cell(r, 'rec'), _exits(r)]) + ' |')
    if table:
        lines += [
            '', 'What each cell can carry: the fixed-threshold verdict (95 % '
            f'interval) and the budget conditions (every model out of its '
            f'initial plateau within {PLATEAU_BY:.0%} of its schedule, '
            f'scratch baseline >= {BASELINE_MIN}, no model >= {CEILING}):',
            '', '| detector | profile | verdict | limits |',
            '| --- | --- | --- | --- |'
        ]
        for r in table:
            lines.append(f"| {r['detector']} | {r['profile']} | "
                         f"{verdict(r)} | "
                         f"{'; '.join(cell_limits(r)) or 'none found'} |")
    curves = [r for r in table if 'oclip_curve' in r or 'scratch_curve' in r]
    if curves:
        lines += [
            '', 'Learning curves: fixed-threshold hmean on the test split, '
            'validated during training (mean ± SD over the seeds):', '',
            '| detector | profile | scratch | oCLIP |', '| --- | --- | --- '
            '| --- |'
        ]
        for r in curves:
            lines.append(f"| {r['detector']} | {r['profile']} | "
                         f"{_curve(r, 'scratch')} | {_curve(r, 'oclip')} |")
    lines += _pretraining_lines(pretraining_summary(work))
    lines += _cost_lines(table, stage_costs(work))
    real = [r for r in table if 'oclip_real' in r]
    if real:
        lines += [
            '', 'Sim to real: the synth_icdar2015 models on real ICDAR2015 '
            'images (fixed threshold, IoU hmean; the interval as above):',
            '', '| detector | synthetic test: scratch / oCLIP | real: '
            'scratch / oCLIP / Δ [95 % interval] |', '| --- | --- | --- |'
        ]
        for r in real:
            lines.append(
                f"| {r['detector']} | {_mean_std(r, 'scratch_fixed')} / "
                f"{_mean_std(r, 'oclip_fixed')} | "
                f"{_cell(r, 'real', 'real')} |")
    md = '\n'.join(lines) + '\n'
    with open(osp.join(work, 'study.md'), 'w', encoding='utf-8') as f:
        f.write(md)
    write_csv(table, osp.join(work, 'study.csv'))
    if table:
        plot_pairs([f"{r['detector']}\n{r['profile'][6:]}" for r in table],
                   [r.get('scratch_fixed', 0) for r in table],
                   [r.get('oclip_fixed', 0) for r in table],
                   osp.join(work, 'study.png'),
                   'Embedded benchmark: oCLIP vs the same trunk from scratch',
                   'hmean (fixed threshold)', base_label='scratch')
    return md


def stage_costs(work: str) -> Dict[str, float]:
    """Seconds of the steps before finetuning that this work dir ran
    (from their MMEngine logs): the oCLIP pretraining, the spotter's first
    stage (both twins)."""
    out = {}
    pre = sum(run_costs(osp.join(work, 'pretrain')).values())
    if pre:
        out['oCLIP pretraining'] = pre
    stage1 = sum(
        sum(run_costs(d).values())
        for d in sorted(glob.glob(osp.join(work, 'spotter_pretrain', '*')))
        if osp.isdir(d))
    if stage1:
        out["the spotter's first stage"] = stage1
    return out


def _minutes(cost: Dict[str, float]) -> str:
    """``'1.8 + 0.3 + 0.2'``: train + validation + test minutes."""
    return ' + '.join(f'{cost[k] / 60:.1f}' for k in PHASES)


def _cost_lines(table: List[Dict], stages: Dict[str, float]) -> List[str]:
    """Where the time went, per cell and in all: what a fresh run of the
    same cells and seeds costs on this machine."""
    rows = [r for r in table if 'cost_total' in r]
    if not rows and not stages:
        return []
    lines = [
        '', 'Cost: wall minutes on this machine from each run\'s MMEngine '
        'log (tools/study_costs.py), per model train + validation + test, '
        'mean over the seeds; the cell\'s total over seeds and twins:', '',
        '| detector | profile | scratch | oCLIP | cell total |',
        '| --- | --- | --- | --- | --- |'
    ]
    for r in rows:
        lines.append(
            f"| {r['detector']} | {r['profile']} | "
            + ' | '.join(_minutes(r[f'{i}_cost']) if f'{i}_cost' in r
                         else '-' for i in ('scratch', 'oclip'))
            + f" | {r['cost_total'] / 60:.1f} |")
    parts = dict(stages)
    finetune = sum(r['cost_total'] for r in rows)
    if finetune:
        parts['finetuning and testing'] = finetune
    real = sum(r.get('real_cost_total', 0.) for r in table)
    if real:
        parts['sim to real'] = real
    lines += [
        '', 'A fresh run of these cells and seeds: about '
        f'{sum(parts.values()) / 60:.0f} min (' + ', '.join(
            f'{k} {v / 60:.0f}' for k, v in parts.items()) + ').'
        ' This adds up the runs\' own times: runs trained side by side '
        '(`--jobs`) each take longer than alone, and together less wall '
        'time than their sum.'
    ]
    return lines


def pretraining_summary(work: str) -> Dict:
    """The pretraining's last validation (OCLIPPretrainMetric: masked-
    character accuracy, retrieval) and the linear probe's result
    (``pretrain/probe.json``), whichever exist."""
    out = {}
    val = scalar_records(osp.join(work, 'pretrain'), 'pretrain/char_acc')
    if val:
        out['val'] = val[-1]
    probe = osp.join(work, 'pretrain', 'probe.json')
    if osp.isfile(probe):
        with open(probe, encoding='utf-8') as f:
            out['probe'] = json.load(f)
    return out


def _pretraining_lines(summary: Dict) -> List[str]:
    lines = []
    val = summary.get('val')
    if val:
        n = int(val.get('pretrain/num_images', 0))
        lines += [
            '', f"Pretraining, validated on {n} held-out synth_pretrain "
            f"images after epoch {val['step']}: masked-character accuracy "
            f"{fmt(val['pretrain/char_acc'], 3)}; image→text R@1 / R@5 "
            f"{fmt(val['pretrain/i2t_R@1'], 3)} / "
            f"{fmt(val['pretrain/i2t_R@5'], 3)}, text→image "
            f"{fmt(val['pretrain/t2i_R@1'], 3)} / "
            f"{fmt(val['pretrain/t2i_R@5'], 3)} (chance: "
            f"{fmt(1 / max(n, 1), 3)} / {fmt(5 / max(n, 1), 3)})."
        ]
    probe = summary.get('probe')
    if probe:
        lv = probe['levels']
        a = lv['all']
        lines += [
            '', 'Linear probe of text pixels before finetuning '
            f"(tools/linear_probe.py: {probe['fit_images']} images fit a "
            f"logistic regression on the frozen trunk's features at stride "
            f"4, {probe['held_out_images']} others scored): AUROC oCLIP "
            f"{fmt(a['oclip'], 3)} vs random trunk {fmt(a['random'], 3)}, "
            f"Δ {fmt(a['diff'], 3, True)} [{fmt(a['low'], 3, True)}, "
            f"{fmt(a['high'], 3, True)}] (95 % paired bootstrap over the "
            'held-out images); per level: ' + ', '.join(
                f"{k} {fmt(v['oclip'], 3)} vs {fmt(v['random'], 3)}"
                for k, v in lv.items() if k != 'all') + '.'
        ]
    return lines


def linear_probe(args: argparse.Namespace, work: str, backbone: str) -> None:
    """The pretrained trunk's linear probe of text pixels against the
    random trunk, once per pretraining (``pretrain/probe.json``)."""
    out = osp.join(work, 'pretrain', 'probe.json')
    if args.probe_images <= 0 or osp.isfile(out):
        return
    run_logged([sys.executable, osp.join(ROOT, 'tools/linear_probe.py'),
                osp.join(ROOT, 'configs/study/dbnet-oclip_synth.py'),
                '--backbone', backbone, '--images', str(args.probe_images),
                '--out', out, '--cfg-options',
                f'synth_profile={args.probe_profile}'],
               osp.join(work, 'probe.log'),
               f'linear probe of the pretrained trunk on {args.probe_profile}')


#: One step of the study: its command, its log, what it is.
Task = Tuple[List[str], str, str]


def run_tasks(tasks: List[Task], jobs: int) -> None:
    """Run ``tasks`` one after another, or ``jobs`` at a time with the
    cores shared out between them; the first failure stops the ones not
    yet started and exits with its code."""
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            run_logged(*task)
        return
    threads = str(max(1, (os.cpu_count() or 1) // jobs))
    env = dict(OMP_NUM_THREADS=threads, MKL_NUM_THREADS=threads)
    with ThreadPoolExecutor(jobs) as pool:
        futures = [pool.submit(run_logged, *task, env=env, concurrent=True)
                   for task in tasks]
        try:
            for future in futures:
                future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def spotter_first_stage(args: argparse.Namespace, work: str,
                        backbone: str) -> str:
    """Train each spotter twin on synth_pretrain (unless done) and return
    the folder of ``mts-<init>_synth.pth`` (``'none'``: no first stage)."""
    if args.spotter_pretrain_images <= 0 or 'mts' not in args.detectors or \
            not set(args.profiles) & set(SPOTTER_PROFILES):
        return 'none'
    out = osp.abspath(osp.join(work, 'spotter_pretrain'))
    names = [f'mts-{init}_synth' for init in ('oclip', 'scratch')
             if not osp.isfile(osp.join(out, f'mts-{init}_synth.pth'))]
    run_tasks([([sys.executable, osp.join(ROOT, 'tools/train.py'),
                 osp.join(ROOT, 'configs/study', name + '.py'),
                 '--work-dir', osp.join(out, name), '--resume',
                 '--cfg-options', 'synth_profile=synth_pretrain',
                 'spotter_stage1=none', f'oclip_backbone={backbone}',
                 f'study_epochs={args.spotter_pretrain_epochs}',
                 f'study_batch_size={args.batch_size}',
                 f'study_train_images={args.spotter_pretrain_images}',
                 f'study_test_images={args.test_images}'],
                osp.join(out, name + '.log'),
                f'spotter first stage ({name[4:-6]}) on synth_pretrain')
               for name in names], args.jobs)
    for name in names:
        final = osp.join(out, name + '.pth')
        ckpt = osp.join(out, name,
                        f'epoch_{args.spotter_pretrain_epochs}.pth')
        if not osp.isfile(ckpt):
            raise FileNotFoundError(f'{ckpt}: the first stage did not end')
        shutil.copyfile(ckpt, final + '.tmp')
        os.replace(final + '.tmp', final)
    return out


def main() -> None:
    args = parse_args()
    work = args.work_dir
    if args.fresh:
        shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work, exist_ok=True)
    py = sys.executable
    start = time.time()
    backbone = osp.join(work, 'pretrain', 'backbone.pth')
    # backbone.pth is written beside every checkpoint, so only this marker
    # says that pretraining ended; an interrupted one resumes.
    done = osp.join(work, 'pretrain', 'finished')
    if not osp.isfile(done):
        opts = [f'train_dataloader.dataset.num_images={args.pretrain_images}']
        if args.pretrain_epochs:
            opts.append(f'train_cfg.max_epochs={args.pretrain_epochs}')
        run_logged([py, osp.join(ROOT, 'tools/train.py'),
                    osp.join(ROOT, 'configs/pretrain/oclip_demo_synthetic.py'),
                    '--work-dir', osp.join(work, 'pretrain'), '--resume',
                    '--cfg-options', *opts],
                   osp.join(work, 'pretrain.log'),
                   'oCLIP pretraining on synth_pretrain')
        with open(done, 'w') as f:
            f.write(f'{time.strftime("%Y-%m-%d %H:%M")}\n')
    common = [f'oclip_backbone={backbone}', f'study_epochs={args.epochs}',
              f'study_batch_size={args.batch_size}',
              f'study_train_images={args.train_images}',
              f'study_test_images={args.test_images}', *args.cfg_options]
    linear_probe(args, work, backbone)
    stage1 = spotter_first_stage(args, work, backbone)
    common.append(f'spotter_stage1={stage1}')
    tasks = []
    for profile in args.profiles:
        configs = [
            osp.join(ROOT, 'configs/study', f'{d}-{init}_synth.py')
            for d in args.detectors
            if d != 'mts' or profile in SPOTTER_PROFILES
            for init in ('oclip', 'scratch')
        ]
        for seed in range(args.seeds):
            out = seed_dir(work, profile, seed)
            if covered(out, configs):
                print(f'== {profile}, seed {seed}: done before '
                      f'({out}/comparison.csv)')
                continue
            tasks.append(([py, osp.join(ROOT, 'tools/compare_twins.py'),
                           *configs, '--train', '--skip-trained',
                           '--work-dir', out, '--cfg-options',
                           f'synth_profile={profile}',
                           f'randomness.seed={seed}', *common],
                          osp.join(work, f'{profile}_seed{seed}.log'),
                          f'{profile}, seed {seed}: {len(configs)} models, '
                          'train and test'))
    run_tasks(tasks, args.jobs)
    real = 'synth_icdar2015' in args.profiles and osp.isfile(
        osp.join(args.real_root, 'textdet_test.json'))
    tasks = []
    for seed in range(args.seeds) if real else []:
        out = seed_dir(work, 'sim2real', seed)
        if covered(out, [f'{d}-{i}_synth.py' for d in args.detectors
                         for i in ('oclip', 'scratch')]):
            continue
        configs, ckpts = [], []
        for d in args.detectors:
            for init in ('oclip', 'scratch'):
                name = f'{d}-{init}_synth'
                ckpt = find_latest_checkpoint(
                    osp.join(seed_dir(work, 'synth_icdar2015', seed), name))
                ckpts.append(f'{name}={ckpt}')
                configs.append(osp.join(ROOT, 'configs/study', name + '.py'))
        tasks.append(([py, osp.join(ROOT, 'tools/compare_twins.py'),
                       *configs, '--work-dir', out, '--checkpoint', *ckpts,
                       '--cfg-options', 'synth_profile=synth_icdar2015',
                       f'study_test_root={osp.abspath(args.real_root)}',
                       *common],
                      osp.join(work, f'sim2real_seed{seed}.log'),
                      f'sim to real, seed {seed}: synth_icdar2015 models on '
                      f'{args.real_root}'))
    run_tasks(tasks, args.jobs)
    if not real:
        print(f'== sim to real skipped ({args.real_root} has no '
              'textdet_test.json, or synth_icdar2015 not studied)')
    md = write_outputs(work, collect(work, args.profiles, real, args.seeds),
                       time.time() - start, args)
    print('\n' + md)
    print(f'table: {work}/study.md, csv: {work}/study.csv, chart: '
          f'{work}/study.png')


if __name__ == '__main__':
    main()
