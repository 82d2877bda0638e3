# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Reports of oCLIP-vs-baseline comparisons, shared by
``tools/compare_twins.py`` and ``tools/study.py``: what a config name and
its test set say about a model, the published numbers, tables (Markdown,
CSV), bar charts, and running a step of the pipeline with its output in a
log file. The scores themselves come from
:mod:`oclip_mmocr.evaluation.protocol_scores`.
"""
import csv
import os
import os.path as osp
import re
import subprocess
import time
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

#: Tag in a config name -> how its trunk was initialised.
INIT_TAGS = {'oclip': 'oCLIP', 'imagenet': 'ImageNet', 'scratch': 'scratch'}
DATASET_NAMES = {
    'icdar2015': 'ICDAR2015',
    'ctw1500': 'CTW1500',
    'totaltext': 'Total-Text',
    'lsvt': 'ICDAR19-LSVT',
}
_TAG_RE = re.compile(r'-(%s)(?=_|$)' % '|'.join(INIT_TAGS))


def run_logged(cmd: List[str], log: str, what: str,
               env: Optional[Dict[str, str]] = None,
               concurrent: bool = False) -> float:
    """Run ``cmd`` with its output in ``log``, saying what runs and how long
    it took; on failure, show the end of the log and exit with its code.

    Args:
        env: Variables set for ``cmd`` on top of this process's.
        concurrent: Others run meanwhile: say the start and the end on
            lines of their own.

    Returns:
        float: The wall time in seconds.
    """
    os.makedirs(osp.dirname(log) or '.', exist_ok=True)
    if concurrent:
        print(f'{what}: started (log: {log})', flush=True)
    else:
        print(f'{what} ... (log: {log})', end='', flush=True)
    start = time.time()
    env = dict(os.environ,
               PYTHONWARNINGS='ignore:pkg_resources is deprecated',
               **(env or {}))
    with open(log, 'w') as f:
        f.write('+ ' + ' '.join(cmd) + '\n')
        f.flush()
        proc = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT,
                              env=env)
    took = time.time() - start
    lead = f'{what}:' if concurrent else ''
    if proc.returncode:
        print(f'{lead} failed after {took:.0f} s; the end of {log}:')
        with open(log) as f:
            print(''.join(f.readlines()[-25:]), end='')
        raise SystemExit(proc.returncode)
    print(f'{lead} done in {took:.0f} s', flush=True)
    return took


def describe_config(config_path: str, cfg) -> Dict[str, str]:
    """Detector, dataset, init and twin key of a finetune config."""
    stem = osp.splitext(osp.basename(config_path))[0]
    m = _TAG_RE.search(stem)
    init = INIT_TAGS[m.group(1)] if m else 'unknown'
    pair = _TAG_RE.sub('', stem)
    dataset = osp.basename(
        osp.normpath(cfg.test_dataloader.dataset.get('data_root', '')))
    from oclip_mmocr.evaluation.protocol_scores import available_lexicons
    lexicons, missing = available_lexicons(cfg)
    # The embedded profiles follow the conventions of the dataset they
    # stand in for: score them with its protocols.
    rules = dataset[len('synth_'):] if dataset.startswith('synth_') \
        else dataset
    return dict(
        config=stem,
        pair=pair,
        init=init,
        detector=cfg.model.type,
        dataset=DATASET_NAMES.get(dataset, dataset),
        dataset_key=rules,
        # E2E rules for spotters: the dataset's own, else Total-Text's.
        e2e_protocol=rules if rules in ('icdar2015', 'lsvt') else
        'totaltext',
        lexicons=lexicons,
        missing_lexicons=missing)


def parse_published(md_path: str) -> Dict[Tuple[str, str, str], Dict]:
    """Rows ``| dataset | model | init | P | R | H |`` of the reference file,
    keyed by (dataset, detector, init); the model string is kept."""
    table = {}
    with open(md_path, encoding='utf-8') as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip('|').split('|')]
            if len(cells) != 6:
                continue
            try:
                p, r, h = (float(c) for c in cells[3:])
            except ValueError:
                continue
            dataset, model, init = cells[:3]
            detector = model.split()[0]
            if detector.endswith('++'):
                continue  # DBNet++ is another detector
            table[(dataset, detector, init)] = dict(
                precision=p, recall=r, hmean=h, model=model)
    return table


def build_rows(results: Iterable[Dict],
               reference: Optional[Dict] = None) -> List[Dict]:
    """One row per twin pair and protocol: oCLIP vs its baseline. A row's
    ``protocol`` is ``best``, ``fixed`` or an :data:`OFFICIAL_TITLES` key;
    ``primary`` marks the first official column of each pair (the chart's
    official panel)."""
    by_pair: Dict[str, Dict[str, Dict]] = {}
    for res in results:
        by_pair.setdefault(res['pair'], {})[res['init']] = res
    rows = []
    for pair, members in sorted(by_pair.items()):
        oclip = members.get('oCLIP')
        base_init = next((i for i in ('ImageNet', 'scratch', 'unknown')
                          if i in members), None)
        base = members.get(base_init) if base_init else None
        anyone = oclip or base
        protocols = list(anyone['scores'])
        first_official = next(
            (p for p in protocols if p in OFFICIAL_TITLES), None)
        for protocol in protocols:
            row = dict(
                protocol=protocol,
                protocol_title=OFFICIAL_TITLES.get(
                    protocol, PROTOCOL_TITLES.get(
                        protocol, RECOGNITION_TITLE
                        if protocol == 'gt_rec' else protocol)),
                primary=protocol == first_official,
                dataset=anyone['dataset'],
                detector=anyone['detector'],
                pair=pair,
                baseline_init=base_init or '',
                # Budget and test size, for the chart and the CSV.
                schedule=anyone.get('schedule', ''),
                test_images=anyone.get('test_images'))
            for tag, res in (('oclip', oclip), ('baseline', base)):
                s = res['scores'].get(protocol) if res else None
                for k in ('precision', 'recall', 'hmean', 'thr'):
                    row[f'{tag}_{k}'] = s[k] if s else None
            row['delta_hmean'] = (
                row['oclip_hmean'] - row['baseline_hmean']
                if oclip and base else None)
            if protocol == 'fixed':
                row.update(delta_interval(oclip, base))
            if reference is not None:
                for tag, init in (('oclip', 'oCLIP'), ('baseline',
                                                       base_init)):
                    ref = reference.get(
                        (row['dataset'], row['detector'], init))
                    row[f'published_{tag}_hmean'] = ref['hmean'] \
                        if ref else None
            rows.append(row)
    return rows


def delta_interval(oclip: Optional[Dict], base: Optional[Dict]) -> Dict:
    """The 95 % paired image-bootstrap interval of oCLIP - baseline at
    the fixed threshold, from each twin's per-image counts (``counts``:
    one checkpoint each, so it carries the test set's noise, not the
    seeds'); empty when either twin has none or they differ in images."""
    a = (oclip or {}).get('counts')
    b = (base or {}).get('counts')
    if a is None or b is None or np.shape(a) != np.shape(b) or not len(a):
        return {}
    from oclip_mmocr.evaluation.bootstrap import paired_bootstrap
    res = paired_bootstrap(np.asarray(a)[None], np.asarray(b)[None])
    return dict(delta_low=res['low'], delta_high=res['high'])


PROTOCOL_TITLES = {
    'best': "Best of thresholds (MMOCR's report: hmean maximised over "
    'score thresholds on the test set itself)',
    'fixed': 'Fixed score threshold (one threshold for every model, chosen '
    "before seeing any test result: the fair number; MMOCR's "
    'HmeanIOUMetric; Δ with its 95 % paired bootstrap interval over test '
    'images, one checkpoint per twin)',
}
RECOGNITION_TITLE = (
    'Recognition apart from detection: word accuracy of the recogniser on '
    'the ground-truth words (case-insensitive; spotters, read_gt=True)')
#: The official protocols: key -> what it is and which script it matches.
OFFICIAL_TITLES = {
    'rrc_iou': 'IoU > 0.5, integer clockwise quadrilaterals (RRC ICDAR2015 '
    'Challenge 4 detection script)',
    'voc_iou': 'IoU > 0.5, integer polygons (CTW1500 VOC-polygon script, '
    'ctw1500_eval.py)',
    'deteval': 'DetEval tr 0.7 / tp 0.6 (Total-Text Deteval.py)',
    'deteval_0.8_0.4': 'DetEval tr 0.8 / tp 0.4 (Total-Text Deteval.py, '
    "TextBPN's second setting)",
    'iou_int': "IoU > 0.5, integer polygons (MMOCR's rule; published "
    'MMOCR Total-Text numbers)',
}
for _lex in ('none', 'generic', 'weak', 'strong', 'full'):
    _what = 'no lexicon' if _lex == 'none' else f'{_lex} lexicon'
    _how = ("RRC / AdelaiDet's Total-Text end-to-end script"
            if _lex == 'none' else 'Mask TextSpotter v3 lexicon protocol')
    OFFICIAL_TITLES[f'e2e_{_lex}'] = f'End to end, {_what} ({_how})'
    OFFICIAL_TITLES[f'spot_{_lex}'] = (
        f'Word spotting, {_what} (RRC word-spotting script' +
        ('' if _lex == 'none' else ' + Mask TextSpotter v3 lexicons') + ')')


def fmt(v: Optional[float], digits: int = 4, signed: bool = False) -> str:
    """``v`` to ``digits`` decimals (``+`` for differences); ``-`` for a
    missing value (None or NaN)."""
    if v is None or v != v:
        return '-'
    return f'{v:+.{digits}f}' if signed else f'{v:.{digits}f}'


def to_markdown(rows: Sequence[Dict]) -> str:
    """MMOCR's two tables (best of thresholds, fixed threshold), then the
    official protocols at the fixed threshold, each row naming its
    protocol and the script it matches."""
    with_ref = any('published_oclip_hmean' in r for r in rows)
    out = []

    def prh(r, t):
        return '/'.join(fmt(r[f'{t}_{k}'])
                        for k in ('precision', 'recall', 'hmean'))

    def table(sel, head, cells):
        out.append('| ' + ' | '.join(head) + ' |')
        out.append('|' + ' --- |' * len(head))
        for r in sel:
            out.append('| ' + ' | '.join(cells(r)) + ' |')
        out.append('')

    for protocol in PROTOCOL_TITLES:
        sel = [r for r in rows if r['protocol'] == protocol]
        if not sel:
            continue
        thrs = sorted({r['oclip_thr'] for r in sel if r['oclip_thr']} |
                      {r['baseline_thr'] for r in sel if r['baseline_thr']})
        title = PROTOCOL_TITLES[protocol]
        if protocol == 'fixed' and thrs:
            title += f'; threshold {thrs[0]:.2f}'
        out.append(f'### {title}\n')
        head = ['dataset', 'detector', 'baseline', 'baseline P/R/H',
                'oCLIP P/R/H', 'Δ hmean']
        if protocol == 'best':
            head.insert(5, 'thr (base / oCLIP)')
        if with_ref:
            head.append('published H (base / oCLIP)')

        def cells(r, protocol=protocol):
            delta = fmt(r['delta_hmean'], signed=True)
            if r.get('delta_low') is not None:
                delta += (f" [{fmt(r['delta_low'], 3, True)}, "
                          f"{fmt(r['delta_high'], 3, True)}]")
            c = [r['dataset'], r['detector'], r['baseline_init'] or '-',
                 prh(r, 'baseline'), prh(r, 'oclip'), delta]
            if protocol == 'best':
                c.insert(5, f"{fmt(r['baseline_thr'], 1)} / "
                         f"{fmt(r['oclip_thr'], 1)}")
            if with_ref:
                c.append(f"{fmt(r.get('published_baseline_hmean'))} / "
                         f"{fmt(r.get('published_oclip_hmean'))}")
            return c

        table(sel, head, cells)

    rec = [r for r in rows if r['protocol'] == 'gt_rec']
    if rec:
        out.append(f"### {RECOGNITION_TITLE}\n")
        table(rec, ['dataset', 'detector', 'baseline', 'baseline word acc',
                    'oCLIP word acc', 'Δ'],
              lambda r: [r['dataset'], r['detector'],
                         r['baseline_init'] or '-',
                         fmt(r['baseline_hmean']), fmt(r['oclip_hmean']),
                         fmt(r['delta_hmean'], signed=True)])

    official = [r for r in rows if r['protocol'] in OFFICIAL_TITLES]
    if official:
        thr = next((r['oclip_thr'] or r['baseline_thr'] for r in official
                    if r['oclip_thr'] or r['baseline_thr']), None)
        out.append('### Official protocols (what the official scripts print '
                   'for tools/make_submission.py files'
                   + (f'; threshold {thr:.2f}' if thr is not None else '')
                   + ')\n')
        table(official,
              ['dataset', 'detector', 'protocol (script)', 'baseline',
               'baseline P/R/H', 'oCLIP P/R/H', 'Δ hmean'],
              lambda r: [r['dataset'], r['detector'], r['protocol_title'],
                         r['baseline_init'] or '-', prh(r, 'baseline'),
                         prh(r, 'oclip'),
                         fmt(r['delta_hmean'], signed=True)])
    return '\n'.join(out)


def write_csv(rows: Sequence[Dict], path: str) -> None:
    keys = list(rows[0]) if rows else []
    for r in rows:
        keys += [k for k in r if k not in keys]
    with open(path, 'w', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=keys)
        writer.writeheader()
        for r in rows:
            writer.writerow({k: '' if r.get(k) is None else r.get(k)
                             for k in keys})


def _budget(row: Dict) -> str:
    """``'10 epochs, 32 test images'``: what a bar was trained and tested
    on."""
    parts = [row.get('schedule') or '']
    if row.get('test_images'):
        parts.append(f"{row['test_images']} test images")
    return ', '.join(p for p in parts if p)


def _draw_pairs(ax, labels: Sequence[str], base: Sequence[float],
                oclip: Sequence[float], base_label: str = 'baseline',
                values: bool = True) -> None:
    """Grouped bars, baseline vs oCLIP, with each bar's value and the
    difference above each pair."""
    x = np.arange(len(labels))
    base = [b or 0. for b in base]
    oclip = [o or 0. for o in oclip]
    ax.bar(x - 0.2, base, 0.4, label=base_label, color='#9e9e9e')
    ax.bar(x + 0.2, oclip, 0.4, label='oCLIP', color='#1f77b4')
    if values:
        for xi, b, o in zip(x, base, oclip):
            ax.text(xi - 0.2, b + 0.01, f'{b:.3f}', ha='center', fontsize=6)
            ax.text(xi + 0.2, o + 0.01, f'{o:.3f}', ha='center', fontsize=6)
            ax.text(xi, max(b, o) + 0.07, f'{o - b:+.3f}', ha='center',
                    fontsize=7, fontweight='bold')
    ax.set_xticks(x)
    ax.set_xticklabels(labels, fontsize=6)
    ax.set_ylim(0, 1.2)
    ax.legend(fontsize=7, loc='upper left', ncol=2)


def _pyplot():
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    return plt


def plot_chart(rows: Sequence[Dict], path: str) -> None:
    """Grouped bars of hmean, baseline vs oCLIP: MMOCR's two protocols and
    each pair's first official protocol."""
    plt = _pyplot()
    panels = [p for p in PROTOCOL_TITLES
              if any(r['protocol'] == p for r in rows)]
    if any(r.get('primary') for r in rows):
        panels.append('official')
    sels = [[r for r in rows if (r.get('primary') if p == 'official'
                                 else r['protocol'] == p)] for p in panels]
    fig, axes = plt.subplots(
        1, len(panels),
        figsize=(max(6, 1.6 * len(panels) * max(map(len, sels))), 4.2),
        squeeze=False)
    for ax, protocol, sel in zip(axes[0], panels, sels):
        last = (lambda r: r['protocol'].replace('_', ' ')) \
            if protocol == 'official' else _budget
        _draw_pairs(ax, [f"{r['detector']}\n{r['dataset']}\n{last(r)}"
                         for r in sel],
                    [r['baseline_hmean'] for r in sel],
                    [r['oclip_hmean'] for r in sel])
        ax.set_ylabel('hmean')
        thr = sel[0]['oclip_thr'] or sel[0]['baseline_thr']
        at = f' {thr:.2f}' if thr is not None else ''
        ax.set_title(
            'best of thresholds (MMOCR)' if protocol == 'best' else
            f'fixed threshold{at} (MMOCR)' if protocol == 'fixed' else
            f'official protocol, threshold{at}', fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_pairs(labels: Sequence[str], base: Sequence[float],
               oclip: Sequence[float], path: str, title: str, ylabel: str,
               base_label: str = 'baseline') -> None:
    """One panel of baseline-vs-oCLIP bars (the study's chart)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(max(6, len(labels) * 0.8), 4))
    _draw_pairs(ax, labels, base, oclip, base_label)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
