# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Score dumped detection predictions and lay out oCLIP-vs-baseline tables.

The numbers come from MMOCR's own :class:`HmeanIOUMetric`: the polygon IoUs
are computed once, then its counting runs once per score threshold, so the
"best of thresholds" column is exactly what MMOCR logs and the
fixed-threshold column uses the same matching rules.
"""
import csv
import os.path as osp
import re
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np
from mmocr.evaluation import HmeanIOUMetric
from .metrics import SpottingHmeanIOUMetric

#: MMOCR's default sweep (HmeanIOUMetric's ``pred_score_thrs``).
MMOCR_SWEEP = (0.3, 0.9, 0.1)
#: Tag in a config name -> how its trunk was initialised.
INIT_TAGS = {'oclip': 'oCLIP', 'imagenet': 'ImageNet', 'scratch': 'scratch'}
DATASET_NAMES = {
    'icdar2015': 'ICDAR2015',
    'ctw1500': 'CTW1500',
    'totaltext': 'Total-Text',
    'lsvt': 'ICDAR19-LSVT',
    'synthetic': 'synthetic',
}
_TAG_RE = re.compile(r'-(%s)(?=_|$)' % '|'.join(INIT_TAGS))


def sweep_thresholds(start: float = MMOCR_SWEEP[0],
                     stop: float = MMOCR_SWEEP[1],
                     step: float = MMOCR_SWEEP[2]) -> np.ndarray:
    """The thresholds HmeanIOUMetric tries, computed the way it does."""
    return np.arange(start=start, stop=stop, step=step)


class _Scorer:
    """HmeanIOUMetric's per-image IoU matrices, computed once for every
    threshold from ``min_thr`` up.

    ``HmeanIOUMetric.process`` drops predictions under its lowest threshold
    before matching them against don't-care regions (a per-prediction test)
    and ``compute_metrics`` drops those under each threshold, so counting at
    any ``thr >= min_thr`` from these results equals a run at ``thr`` alone.
    """

    def __init__(self, samples: Sequence[Dict], min_thr: float) -> None:
        self.metric = HmeanIOUMetric(
            pred_score_thrs=dict(start=min_thr, stop=min_thr + 1e-6,
                                 step=1.0))
        self.metric.process([], samples)
        self.min_thr = min_thr

    def at(self, thr: float) -> Dict[str, float]:
        assert thr >= self.min_thr, (thr, self.min_thr)
        self.metric.pred_score_thrs = np.array([thr])
        out = self.metric.compute_metrics(self.metric.results)
        return {k: float(out[k]) for k in ('precision', 'recall', 'hmean')}


def hmean_at(samples: Sequence[Dict], thr: float) -> Dict[str, float]:
    """P/R/H of ``samples`` (dicts with ``pred_instances`` and
    ``gt_instances``) keeping predictions scored ``>= thr``."""
    return _Scorer(samples, thr).at(thr)


def score_predictions(samples: Sequence[Dict],
                      fixed_thr: float = 0.5,
                      sweep: Tuple[float, float, float] = MMOCR_SWEEP,
                      e2e_protocol: Optional[str] = None
                      ) -> Dict[str, Dict[str, float]]:
    """Both protocols for one model's predictions.

    Returns:
        dict: ``best`` (MMOCR's report: the sweep threshold with the
        highest hmean, the first one on ties, as MMOCR picks it) and
        ``fixed`` (at ``fixed_thr``), each with precision, recall, hmean
        and thr; with ``e2e_protocol`` and predicted texts also ``e2e``
        (end-to-end, no lexicon, at ``fixed_thr``).
    """
    thrs = [float(t) for t in sweep_thresholds(*sweep)]
    scorer = _Scorer(samples, min(thrs + [fixed_thr]))
    best: Optional[Dict[str, float]] = None
    for thr in thrs:
        res = scorer.at(thr)
        if best is None or res['hmean'] > best['hmean']:
            best = dict(res, thr=thr)
    assert best is not None, 'empty threshold sweep'
    if best['hmean'] == 0:
        best['thr'] = None  # no threshold scored anything: none to report
    out = dict(best=best, fixed=dict(scorer.at(fixed_thr),
                                     thr=float(fixed_thr)))
    if e2e_protocol and any('texts' in s['pred_instances'] for s in samples):
        out['e2e'] = e2e_at(samples, fixed_thr, e2e_protocol)
    return out


def e2e_at(samples: Sequence[Dict], thr: float,
           protocol: str) -> Dict[str, float]:
    """End-to-end P/R/H (no lexicon) at ``thr`` with
    :class:`SpottingHmeanIOUMetric`."""
    metric = SpottingHmeanIOUMetric(protocol=protocol, pred_score_thr=thr)
    metric.process([], samples)
    res = metric.compute_metrics(metric.results)
    return dict(precision=res['e2e_precision'], recall=res['e2e_recall'],
                hmean=res['e2e_hmean'], thr=float(thr))


def describe_config(config_path: str, cfg) -> Dict[str, str]:
    """Detector, dataset, init and twin key of a finetune config."""
    stem = osp.splitext(osp.basename(config_path))[0]
    m = _TAG_RE.search(stem)
    init = INIT_TAGS[m.group(1)] if m else 'unknown'
    pair = _TAG_RE.sub('', stem)
    dataset = osp.basename(
        osp.normpath(cfg.test_dataloader.dataset.get('data_root', '')))
    return dict(
        config=stem,
        pair=pair,
        init=init,
        detector=cfg.model.type,
        dataset=DATASET_NAMES.get(dataset, dataset),
        # E2E rules for spotters: the dataset's own, else exact match.
        e2e_protocol=dataset if dataset in ('icdar2015', 'lsvt') else
        'totaltext')


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
    """One row per twin pair and protocol: oCLIP vs its baseline."""
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
        protocols = ('best', 'fixed', 'e2e') if 'e2e' in anyone['scores'] \
            else ('best', 'fixed')
        for protocol in protocols:
            row = dict(
                protocol=protocol,
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
            if reference is not None:
                for tag, init in (('oclip', 'oCLIP'), ('baseline',
                                                       base_init)):
                    ref = reference.get(
                        (row['dataset'], row['detector'], init))
                    row[f'published_{tag}_hmean'] = ref['hmean'] \
                        if ref else None
            rows.append(row)
    return rows


PROTOCOL_TITLES = {
    'best': "Best of thresholds (MMOCR's report: hmean maximised over "
    'score thresholds on the test set itself)',
    'fixed': 'Fixed score threshold (one threshold for every model, chosen '
    'before seeing any test result: the fair number)',
    'e2e': 'End to end (spotters: polygon IoU 0.5 and transcription match, '
    'no lexicon, at the fixed threshold)',
}


def _fmt(v, digits: int = 4, signed: bool = False) -> str:
    if v is None:
        return '-'
    return f'{v:+.{digits}f}' if signed else f'{v:.{digits}f}'


def to_markdown(rows: Sequence[Dict]) -> str:
    with_ref = any('published_oclip_hmean' in r for r in rows)
    out = []
    for protocol in PROTOCOL_TITLES:
        sel = [r for r in rows if r['protocol'] == protocol]
        if not sel:
            continue
        thrs = sorted({r['oclip_thr'] for r in sel if r['oclip_thr']} |
                      {r['baseline_thr'] for r in sel if r['baseline_thr']})
        title = PROTOCOL_TITLES[protocol]
        if protocol in ('fixed', 'e2e') and thrs:
            title += f'; threshold {thrs[0]:.2f}'
        out.append(f'### {title}\n')
        head = ['dataset', 'detector', 'baseline', 'baseline P/R/H',
                'oCLIP P/R/H', 'Δ hmean']
        if protocol == 'best':
            head.insert(5, 'thr (base / oCLIP)')
        if with_ref:
            head.append('published H (base / oCLIP)')
        out.append('| ' + ' | '.join(head) + ' |')
        out.append('|' + ' --- |' * len(head))
        for r in sel:
            prh = {
                t: '/'.join(
                    _fmt(r[f'{t}_{k}'])
                    for k in ('precision', 'recall', 'hmean'))
                for t in ('baseline', 'oclip')
            }
            cells = [r['dataset'], r['detector'], r['baseline_init'] or '-',
                     prh['baseline'], prh['oclip'],
                     _fmt(r['delta_hmean'], signed=True)]
            if protocol == 'best':
                cells.insert(5, f"{_fmt(r['baseline_thr'], 1)} / "
                             f"{_fmt(r['oclip_thr'], 1)}")
            if with_ref:
                cells.append(f"{_fmt(r.get('published_baseline_hmean'))} / "
                             f"{_fmt(r.get('published_oclip_hmean'))}")
            out.append('| ' + ' | '.join(cells) + ' |')
        out.append('')
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


def plot_chart(rows: Sequence[Dict], path: str) -> None:
    """Grouped bars of hmean, baseline vs oCLIP, one panel per protocol."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    protocols = [p for p in PROTOCOL_TITLES
                 if any(r['protocol'] == p for r in rows)]
    fig, axes = plt.subplots(
        1, len(protocols), figsize=(max(6, 1.6 * len(rows)), 4.2),
        squeeze=False)
    for ax, protocol in zip(axes[0], protocols):
        sel = [r for r in rows if r['protocol'] == protocol]
        x = np.arange(len(sel))
        base = [r['baseline_hmean'] or 0. for r in sel]
        ocl = [r['oclip_hmean'] or 0. for r in sel]
        ax.bar(x - 0.2, base, 0.4, label='baseline', color='#9e9e9e')
        ax.bar(x + 0.2, ocl, 0.4, label='oCLIP', color='#1f77b4')
        for xi, b, o in zip(x, base, ocl):
            ax.text(xi - 0.2, b + 0.01, f'{b:.3f}', ha='center', fontsize=6)
            ax.text(xi + 0.2, o + 0.01, f'{o:.3f}', ha='center', fontsize=6)
            ax.text(xi, max(b, o) + 0.07, f'{o - b:+.3f}', ha='center',
                    fontsize=7, fontweight='bold')
        ax.set_xticks(x)
        ax.set_xticklabels(
            [f"{r['detector']}\n{r['dataset']}\n{_budget(r)}" for r in sel],
            fontsize=6)
        ax.set_ylim(0, 1.2)
        ax.set_ylabel('E2E hmean' if protocol == 'e2e' else 'hmean')
        thr = sel[0]['oclip_thr'] or sel[0]['baseline_thr']
        ax.set_title(
            'best of thresholds (MMOCR)' if protocol == 'best' else
            f"{'end to end, ' if protocol == 'e2e' else ''}fixed threshold"
            f"{f' {thr:.2f}' if thr is not None else ''}", fontsize=9)
        ax.legend(fontsize=7, loc='upper left', ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
