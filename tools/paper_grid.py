# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""The paper's experiment grid: list its rows, run any row end to end.

    python tools/paper_grid.py list [--table ablation]
    python tools/paper_grid.py run ablation/no_cae [--dry-run] \
        [--work-root work_dirs/paper] [--gpus 8] [-- EXTRA TRAIN OPTIONS]

A row is a chain of stages -- pretrain (oCLIP or SynthText detection),
finetune, test -- each one `tools/train.py` / `tools/test.py` command with
its own work dir under ``<work-root>/<table>/<row>/``. A stage that finished
leaves ``<stage>.done``; running the row again skips finished stages and
resumes an unfinished one from its newest checkpoint (``--resume``), so an
interrupted grid continues where it stopped. Rows that share a stage (the
full oCLIP model pretrains once for the ablation, data-portion and
pretraining-comparison tables) share its work dir. docs/paper_tables.md maps
the paper's tables to these rows and to the published numbers.
"""
import warnings

warnings.filterwarnings('ignore', message='pkg_resources is deprecated')
import argparse  # noqa: E402
import os  # noqa: E402
import os.path as osp  # noqa: E402
import shlex  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import Dict, List, Optional, Tuple  # noqa: E402

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
PRE = 'configs/pretrain/'
PSENET_TT = 'configs/finetune/psenet/psenet_r50-{}_fpnf_600e_totaltext.py'


@dataclass
class Stage:
    """One training run (and its test when ``test`` is set)."""
    name: str  # work dir under the row (shared stages: a shared path)
    config: str
    options: Dict[str, str] = field(default_factory=dict)
    test: bool = False
    shared: Optional[str] = None  # work dir relative to the work root


@dataclass
class Row:
    table: str
    what: str
    stages: List[Stage]


def _oclip_pretrain(config: str, shared: str, **options) -> Stage:
    return Stage('pretrain', PRE + config, dict(options), shared=shared)


def _finetune_from(pre: Stage, config: str, **options) -> Stage:
    backbone = osp.join('{root}', pre.shared, 'backbone.pth')
    return Stage('finetune', config, dict(oclip_backbone=backbone, **options),
                 test=True)


#: The paper's ablation rows (Table 6 of the paper: CAE / VTD / BCL;
#: PSENet, SynthText -> Total-Text). The model without both the decoder and
#: the contrastive loss trains nothing and is not a row.
ABLATIONS = {
    'full': 'oclip_r50_synthtext.py',
    'no_cae': 'oclip_r50_synthtext_no_cae.py',
    'no_vtd': 'oclip_r50_synthtext_no_decoder.py',
    'no_bcl': 'oclip_r50_synthtext_no_contrastive.py',
    'no_cae_no_vtd': 'oclip_r50_synthtext_no_cae_no_decoder.py',
    'no_cae_no_bcl': 'oclip_r50_synthtext_no_cae_no_contrastive.py',
}
#: Shares of SynthText used for pretraining (data-portion table).
PORTIONS = (0.25, 0.5, 0.75, 1.0)


def build_rows() -> Dict[str, Row]:
    rows: Dict[str, Row] = {}
    full = _oclip_pretrain(ABLATIONS['full'], 'pretrain/oclip_r50_synthtext')
    for name, config in ABLATIONS.items():
        pre = full if name == 'full' else _oclip_pretrain(
            config, f'pretrain/{config[:-3]}')
        rows[f'ablation/{name}'] = Row(
            'ablation', f'oCLIP {name} -> PSENet Total-Text',
            [pre, _finetune_from(pre, PSENET_TT.format('oclip'))])
    for frac in PORTIONS:
        pct = int(round(frac * 100))
        pre = full if frac == 1.0 else _oclip_pretrain(
            ABLATIONS['full'], f'pretrain/oclip_r50_synthtext_{pct}pct',
            pretrain_fraction=str(frac))
        rows[f'portion/{pct}'] = Row(
            'portion', f'oCLIP on {pct}% of SynthText -> PSENet Total-Text',
            [pre, _finetune_from(pre, PSENET_TT.format('oclip'))])
    syn = Stage('pretrain', 'configs/finetune/psenet/'
                'psenet_r50_fpnf_1e_synthtext.py',
                shared='pretrain/psenet_r50_fpnf_1e_synthtext')
    for dataset in ('totaltext', 'ctw1500'):
        tt = PSENET_TT.replace('totaltext', dataset)
        rows[f'pretraining/none_{dataset}'] = Row(
            'pretraining', f'no pretraining -> PSENet {dataset}',
            [Stage('finetune', tt.format('oclip'),
                   dict(oclip_backbone='none'), test=True)])
        rows[f'pretraining/imagenet_{dataset}'] = Row(
            'pretraining', f'ImageNet -> PSENet {dataset}',
            [Stage('finetune', tt.format('imagenet'), test=True)])
        rows[f'pretraining/synthtext_{dataset}'] = Row(
            'pretraining', f'SynthText detection -> PSENet {dataset}',
            [syn, Stage('finetune', tt.format('synthtext'), dict(
                synthtext_detector=osp.join('{root}', syn.shared,
                                            'epoch_1.pth')), test=True)])
        rows[f'pretraining/oclip_{dataset}'] = Row(
            'pretraining', f'oCLIP (SynthText) -> PSENet {dataset}',
            [full, _finetune_from(full, tt.format('oclip'))])
    # Detection and end-to-end tables: every twin config, from the trunk its
    # config names (oCLIP: work_dirs/oclip_r50_synthtext or ..._lsvt).
    lsvt = _oclip_pretrain('oclip_r50_lsvt.py', 'pretrain/oclip_r50_lsvt')
    for path in sorted(_finetune_twins()):
        stem = osp.basename(path)[:-3]
        table = 'lsvt' if 'lsvt' in stem else \
            'e2e' if '/mts/' in path else 'detection'
        if '-oclip_' in stem:
            pre = lsvt if 'lsvt' in stem else full
            stages = [pre, _finetune_from(pre, path)]
        else:
            stages = [Stage('finetune', path, test=True)]
        rows[f'{table}/{stem}'] = Row(table, stem, stages)
    return rows


def _finetune_twins() -> List[str]:
    out = []
    for det in sorted(os.listdir(osp.join(ROOT, 'configs/finetune'))):
        folder = osp.join('configs/finetune', det)
        if det.startswith('_') or not osp.isdir(osp.join(ROOT, folder)):
            continue
        for name in sorted(os.listdir(osp.join(ROOT, folder))):
            if name.endswith('.py') and not name.startswith('_') and \
                    ('-oclip_' in name or '-imagenet_' in name) and \
                    'demo' not in name:
                out.append(osp.join(folder, name))
    return out


def row_or_error(rows: Dict[str, Row], name: str) -> Row:
    if name not in rows:
        tables = sorted({r.table for r in rows.values()})
        raise SystemExit(
            f'paper_grid: unknown row {name!r}; rows are <table>/<name> with '
            f'tables {", ".join(tables)} (`python tools/paper_grid.py list`)')
    return rows[name]


def stage_commands(row_name: str, row: Row, work_root: str, gpus: int,
                   extra: List[str]) -> List[Tuple[str, str, List[List[str]]]]:
    """``(work_dir, done_marker, commands)`` per stage."""
    out = []
    for stage in row.stages:
        work = osp.join(work_root, stage.shared) if stage.shared else \
            osp.join(work_root, row_name, stage.name)
        opts = [f'{k}={v.format(root=work_root)}'
                for k, v in stage.options.items()]
        if gpus > 1:
            launch = [
                'torchrun', f'--nproc-per-node={gpus}', 'tools/train.py'
            ]
            tail = ['--launcher', 'pytorch']
        else:
            launch, tail = [sys.executable, 'tools/train.py'], []
        train = launch + [stage.config, '--work-dir', work, '--resume'] + \
            (['--cfg-options'] + opts if opts else []) + tail + extra
        cmds = [train]
        if stage.test:
            test = [sys.executable, 'tools/test.py', stage.config,
                    osp.join(work, '{last_checkpoint}'), '--work-dir',
                    osp.join(work, 'test')] + \
                (['--cfg-options'] + opts if opts else [])
            cmds.append(test)
        out.append((work, osp.join(work, f'{stage.name}.done'), cmds))
    return out


def _last_checkpoint(work: str) -> str:
    marker = osp.join(work, 'last_checkpoint')
    if not osp.isfile(marker):
        raise SystemExit(f'paper_grid: {work} has no last_checkpoint after '
                         'training')
    with open(marker, encoding='utf-8') as f:
        return f.read().strip()


def run_row(row_name: str, row: Row, work_root: str, gpus: int,
            extra: List[str], dry_run: bool) -> None:
    for work, done, cmds in stage_commands(row_name, row, work_root, gpus,
                                           extra):
        if osp.isfile(done):
            print(f'== {work}: done ({done}), skipped')
            continue
        for cmd in cmds:
            if '{last_checkpoint}' in ' '.join(cmd) and not dry_run:
                ckpt = _last_checkpoint(work)
                cmd = [c.replace(osp.join(work, '{last_checkpoint}'), ckpt)
                       for c in cmd]
            print('$ ' + shlex.join(cmd), flush=True)
            if not dry_run:
                subprocess.run(cmd, cwd=ROOT, check=True)
        if not dry_run:
            with open(done, 'w', encoding='utf-8') as f:
                f.write('ok\n')


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n'.join(__doc__.split('\n')[2:]))
    sub = parser.add_subparsers(dest='cmd', required=True)
    ls = sub.add_parser('list', help='list the rows')
    ls.add_argument('--table', help='only this table')
    run = sub.add_parser('run', help='run (or continue) one row')
    run.add_argument('row', help='<table>/<name>, see `list`')
    run.add_argument('--work-root', default='work_dirs/paper')
    run.add_argument('--gpus', type=int, default=1,
                     help='GPUs per stage (torchrun); 1: a single process')
    run.add_argument('--dry-run', action='store_true',
                     help='print the commands, run nothing')
    argv = list(sys.argv[1:] if argv is None else argv)
    # Everything after `--` goes to tools/train.py untouched.
    extra = argv[argv.index('--') + 1:] if '--' in argv else []
    argv = argv[:argv.index('--')] if '--' in argv else argv
    args = parser.parse_args(argv)
    rows = build_rows()
    if args.cmd == 'list':
        tables = {r.table for r in rows.values()}
        if args.table and args.table not in tables:
            raise SystemExit(f'paper_grid: unknown table {args.table!r}; '
                             f'tables: {", ".join(sorted(tables))}')
        for name, row in rows.items():
            if args.table in (None, row.table):
                chain = ' -> '.join(osp.basename(s.config)
                                    for s in row.stages)
                print(f'{name:48s} {chain}')
        return
    run_row(args.row, row_or_error(rows, args.row), args.work_root,
            args.gpus, extra, args.dry_run)


if __name__ == '__main__':
    main()
