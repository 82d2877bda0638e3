"""Re-read when finished runs left their initial plateau, from their logs.

``PlateauExitHook`` writes ``plateau.json`` when a run ends, with the rule
it had then. This tool applies the rule of the repository's study configs
now (or ``--level-at``) to the training loss in a run's MMEngine text logs,
so that runs trained before the rule changed are read the same way as new
ones, without retraining::

    python tools/plateau_from_logs.py work_dirs/study            # print
    python tools/plateau_from_logs.py work_dirs/study --write    # and save

Every folder below the given ones that holds a ``plateau.json`` is a run.
The logs give one value per logging interval (MMEngine's mean over the
last ``log_processor.window_size`` iterations, the study's 10 = its logging
interval): each stands for every iteration of its interval, so an exit is
found to within about one interval (a noisy loss can dip below the line
between two logged values: a batch-2 DBNet came out at 605 where its hook
had 576). ``--write`` replaces ``plateau.json`` (the old one kept as
``plateau.hook.json``) with ``"source": "log"``, except where the hook
already applied the same rule (it saw every iteration); re-run
``tools/study.py`` on the folder to rewrite its report.
"""
import argparse
import glob
import json
import os
import os.path as osp
import re
import shutil
import sys
import warnings
from functools import lru_cache
from typing import Dict, List, Optional, Tuple

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, ROOT)

from oclip_mmocr.engine.hooks.plateau_exit_hook import (  # noqa: E402
    LEVELS, PlateauTracker)

_TRAIN = re.compile(r'Epoch\(train\)\s+\[(\d+)\]\[\s*(\d+)/(\d+)\]|'
                    r'Iter\(train\)\s+\[\s*(\d+)/(\d+)\]')


def train_losses(run_dir: str, loss_key: str) -> List[Tuple[int, float]]:
    """``(iteration, value)`` of ``loss_key`` in every training log of a run
    (its timestamped folders, oldest first; a resumed run's later log wins
    where iterations repeat)."""
    value = re.compile(rf'\s{re.escape(loss_key)}: ([-0-9.eE+na]+)')
    by_iter: Dict[int, float] = {}
    for log in sorted(glob.glob(osp.join(run_dir, '2*', '2*.log'))):
        with open(log, encoding='utf-8', errors='replace') as f:
            for line in f:
                m = _TRAIN.search(line)
                v = value.search(line)
                if not m or not v:
                    continue
                if m.group(1):
                    epoch, i, n = (int(g) for g in m.group(1, 2, 3))
                    it = (epoch - 1) * n + i
                else:
                    it = int(m.group(4))
                by_iter[it] = float(v.group(1))
    return sorted(by_iter.items())


def rule_of(run_dir: str, level_at: Optional[str] = None) -> Dict:
    """The hook's arguments for a run: the repository's config of the same
    name (``configs/study/<name>.py``) if there is one, else the run's
    dumped config; ``level_at`` overrides."""
    dumped = sorted(glob.glob(osp.join(run_dir, '*.py')))
    if not dumped:
        raise FileNotFoundError(f'{run_dir}: no dumped config (*.py)')
    repo = osp.join(ROOT, 'configs', 'study', osp.basename(dumped[0]))
    args = dict(_hook_args(repo if osp.isfile(repo) else dumped[0]))
    if level_at is not None:
        args['level_at'] = level_at
    return args


@lru_cache(maxsize=None)
def _hook_args(config: str) -> Tuple:
    from mmengine.config import Config
    with warnings.catch_warnings():
        # mmengine's lookup of `mmocr::` bases imports pkg_resources.
        warnings.simplefilter('ignore', UserWarning)
        cfg = Config.fromfile(config)
    hooks = [h for h in cfg.get('custom_hooks', [])
             if h.get('type') == 'PlateauExitHook']
    if not hooks:
        raise ValueError(f'{config}: no PlateauExitHook in custom_hooks')
    return tuple((k, v) for k, v in hooks[0].items() if k != 'type')


def replay(losses: List[Tuple[int, float]], loss_key: str = 'loss',
           **rule) -> Dict:
    """The tracker's record for logged ``(iteration, mean)`` pairs, each
    value standing for the iterations since the previous one."""
    tracker = PlateauTracker(**rule)
    last = 0
    for it, value in losses:
        for _ in range(max(1, it - last)):
            tracker.push(value)
        last = it
    return dict(loss_key=loss_key, **tracker.record())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n\n'.join(__doc__.split('\n\n')[1:]))
    parser.add_argument('dirs', nargs='+')
    parser.add_argument('--level-at', choices=LEVELS, default=None,
                        help='override the configs\' rule')
    parser.add_argument('--write', action='store_true')
    args = parser.parse_args()
    runs = sorted({osp.dirname(p) for d in args.dirs for p in glob.glob(
        osp.join(d, '**', 'plateau.json'), recursive=True)})
    if not runs:
        sys.exit(f'no plateau.json under {" ".join(args.dirs)}')
    print('| run | rule | plateau level (read at iteration) | left at '
          'iteration (hook had) |')
    print('| --- | --- | --- | --- |')
    for run in runs:
        path = osp.join(run, 'plateau.json')
        with open(path, encoding='utf-8') as f:
            old = json.load(f)
        rule = rule_of(run, args.level_at)
        loss_key = rule.pop('loss_key', 'loss')
        losses = train_losses(run, loss_key)
        if not losses:
            sys.exit(f'{run}: no {loss_key} in its training logs')
        rec = dict(replay(losses, loss_key, **rule),
                   max_iters=old.get('max_iters'), source='log')
        level = ('-' if rec['plateau_level'] is None else
                 f"{rec['plateau_level']:.3f} ({rec['level_iter']})")
        exit_iter = 'never' if rec['exit_iter'] is None else rec['exit_iter']
        print(f"| {osp.relpath(run)} | {loss_key}, {rec['level_at']} | "
              f"{level} | {exit_iter} of {rec['max_iters']} "
              f"({old.get('exit_iter')}) |")
        same = (old.get('source') != 'log' and old.get('level_at', 'start')
                == rec['level_at'] and old.get('window') == rec['window']
                and old.get('ratio') == rec['ratio']
                and old.get('stall', rec['stall']) == rec['stall'])
        if args.write and same:
            print(f'  kept {path}: the hook saw every iteration under the '
                  'same rule')
        elif args.write:
            if old.get('source') != 'log':
                shutil.copyfile(path, osp.join(run, 'plateau.hook.json'))
            tmp = path + '.tmp'
            with open(tmp, 'w', encoding='utf-8') as f:
                json.dump(rec, f, indent=1)
            os.replace(tmp, path)


if __name__ == '__main__':
    main()
