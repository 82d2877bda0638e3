# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Score dumped detection predictions and lay out oCLIP-vs-baseline tables.

MMOCR's columns come from its own :class:`HmeanIOUMetric`: the polygon IoUs
are computed once, then its counting runs once per score threshold, so the
"best of thresholds" column is exactly what MMOCR logs and the
fixed-threshold column uses the same matching rules. The official columns
(:data:`OFFICIAL_TITLES`) score, at the fixed threshold, exactly the
submission files ``tools/make_submission.py`` writes, with the rules of the
script each one names (README, "Evaluation protocols").
"""
import csv
import os.path as osp
import re
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np
from mmocr.evaluation import HmeanIOUMetric
from .metrics import (DetEvalMetric, SpottingHmeanIOUMetric,
                      SubmissionHmeanIOUMetric)

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
    'synth_icdar2015': 'synth_icdar2015',
    'synth_ctw1500': 'synth_ctw1500',
    'synth_totaltext': 'synth_totaltext',
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
                      e2e_protocol: Optional[str] = None,
                      dataset: Optional[str] = None,
                      lexicons: Optional[Dict[str, Dict]] = None
                      ) -> Dict[str, Dict[str, float]]:
    """MMOCR's protocols and the official ones for one model's predictions.

    Args:
        samples: Dumped test results (``pred_instances``, ``gt_instances``).
        fixed_thr: The fixed score threshold.
        sweep: MMOCR's threshold sweep ``(start, stop, step)``.
        e2e_protocol: :class:`SpottingHmeanIOUMetric` protocol, for
            predictions with texts.
        dataset: The data_root folder name (``'icdar2015'``, ``'ctw1500'``,
            ``'totaltext'`` ...), choosing the official detection columns.
        lexicons: Lexicon name -> :class:`SpottingHmeanIOUMetric` file
            arguments, for the lexicon columns (only those given are
            scored).

    Returns:
        dict: ``best`` (MMOCR's report: the sweep threshold with the
        highest hmean, the first one on ties, as MMOCR picks it) and
        ``fixed`` (at ``fixed_thr``), then the official columns at
        ``fixed_thr`` (:data:`OFFICIAL_TITLES` keys, in that order), each
        with precision, recall, hmean and thr.
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
    out.update(official_scores(samples, fixed_thr, dataset))
    if e2e_protocol and any('texts' in s['pred_instances'] for s in samples):
        out.update(spotting_scores(samples, fixed_thr, e2e_protocol,
                                   lexicons or {}))
    return out


def _prh(res: Dict, prefix: str = '') -> Dict[str, float]:
    return {k: float(res[prefix + k]) for k in ('precision', 'recall',
                                                 'hmean')}


def official_scores(samples: Sequence[Dict], thr: float,
                    dataset: Optional[str]) -> Dict[str, Dict[str, float]]:
    """The dataset's official detection columns (:data:`OFFICIAL_DET`) at
    ``thr``, on the polygons a submission would hold."""
    keys = OFFICIAL_DET.get(dataset or '', ())
    out: Dict[str, Dict[str, float]] = {}
    if not keys:
        return out
    if 'rrc_iou' in keys or 'voc_iou' in keys or 'iou_int' in keys:
        metric = SubmissionHmeanIOUMetric(
            quadrilaterals=dataset == 'icdar2015',
            pred_score_thrs=dict(start=thr, stop=thr + 1e-6, step=1.))
        metric.process([], samples)
        res = _prh(metric.compute_metrics(metric.results))
        for k in ('rrc_iou', 'voc_iou', 'iou_int'):
            if k in keys:
                out[k] = dict(res, thr=float(thr))
    if 'deteval' in keys:
        metric = DetEvalMetric(settings=[(0.7, 0.6), (0.8, 0.4)],
                               pred_score_thr=thr, official_rounding=True)
        metric.process([], samples)
        res = metric.compute_metrics(metric.results)
        out['deteval'] = dict(_prh(res), thr=float(thr))
        out['deteval_0.8_0.4'] = dict(_prh(res, 'tr0.8_tp0.4_'),
                                      thr=float(thr))
    return {k: out[k] for k in keys}


def spotting_scores(samples: Sequence[Dict], thr: float, protocol: str,
                    lexicons: Dict[str, Dict]) -> Dict[str, Dict[str, float]]:
    """End-to-end (and, for ICDAR2015, word-spotting) columns at ``thr``,
    without a lexicon and with each lexicon in ``lexicons``, on the
    polygons a submission would hold."""
    out = {}
    names = [n for n in SPOTTING_LEXICONS.get(protocol, ('none', ))
             if n == 'none' or n in lexicons]
    modes = (('e2e', False), ('spot', True)) if protocol == 'icdar2015' \
        else (('e2e', False), )
    for mode, word_spotting in modes:
        for name in names:
            files = {} if name == 'none' else lexicons[name]
            metric = SpottingHmeanIOUMetric(
                protocol=protocol, lexicon=name, word_spotting=word_spotting,
                official_rounding=True,
                quadrilaterals=protocol == 'icdar2015', pred_score_thr=thr,
                **files)
            metric.process([], samples)
            res = metric.compute_metrics(metric.results)
            out[f'{mode}_{name}'] = dict(_prh(res, 'e2e_'), thr=float(thr))
    return out


def available_lexicons(cfg) -> Tuple[Dict[str, Dict], List[str]]:
    """The config's ``spotting_lexicons`` whose files are present, and the
    names of those that are not."""
    found, missing = {}, []
    for name, files in (cfg.get('spotting_lexicons') or {}).items():
        paths = [files[k] for k in ('lexicon_file', 'lexicon_pairs_file',
                                    'lexicon_dir') if files.get(k)]
        if paths and all(osp.exists(p) for p in paths):
            found[name] = dict(files)
        else:
            missing.append(name)
    return found, missing


def describe_config(config_path: str, cfg) -> Dict[str, str]:
    """Detector, dataset, init and twin key of a finetune config."""
    stem = osp.splitext(osp.basename(config_path))[0]
    m = _TAG_RE.search(stem)
    init = INIT_TAGS[m.group(1)] if m else 'unknown'
    pair = _TAG_RE.sub('', stem)
    dataset = osp.basename(
        osp.normpath(cfg.test_dataloader.dataset.get('data_root', '')))
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
                    protocol, PROTOCOL_TITLES.get(protocol, protocol)),
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
    "before seeing any test result: the fair number; MMOCR's "
    'HmeanIOUMetric)',
}
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
    _how = ('RRC / Total-Text end-to-end script' if _lex == 'none' else
            'Mask TextSpotter v3 lexicon protocol')
    OFFICIAL_TITLES[f'e2e_{_lex}'] = f'End to end, {_what} ({_how})'
    OFFICIAL_TITLES[f'spot_{_lex}'] = (
        f'Word spotting, {_what} (RRC word-spotting script' +
        ('' if _lex == 'none' else ' + Mask TextSpotter v3 lexicons') + ')')
#: Official detection columns per dataset (data_root folder name).
OFFICIAL_DET = {
    'icdar2015': ('rrc_iou', ),
    'ctw1500': ('voc_iou', ),
    'totaltext': ('deteval', 'deteval_0.8_0.4', 'iou_int'),
}
#: Spotting lexicons per end-to-end protocol, and word spotting.
SPOTTING_LEXICONS = {
    'icdar2015': ('none', 'generic', 'weak', 'strong'),
    'totaltext': ('none', 'full'),
    'lsvt': ('none', ),
}


def _fmt(v, digits: int = 4, signed: bool = False) -> str:
    if v is None:
        return '-'
    return f'{v:+.{digits}f}' if signed else f'{v:.{digits}f}'


def to_markdown(rows: Sequence[Dict]) -> str:
    """MMOCR's two tables (best of thresholds, fixed threshold), then the
    official protocols at the fixed threshold, each row naming its
    protocol and the script it matches."""
    with_ref = any('published_oclip_hmean' in r for r in rows)
    out = []

    def prh(r, t):
        return '/'.join(_fmt(r[f'{t}_{k}'])
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
            c = [r['dataset'], r['detector'], r['baseline_init'] or '-',
                 prh(r, 'baseline'), prh(r, 'oclip'),
                 _fmt(r['delta_hmean'], signed=True)]
            if protocol == 'best':
                c.insert(5, f"{_fmt(r['baseline_thr'], 1)} / "
                         f"{_fmt(r['oclip_thr'], 1)}")
            if with_ref:
                c.append(f"{_fmt(r.get('published_baseline_hmean'))} / "
                         f"{_fmt(r.get('published_oclip_hmean'))}")
            return c

        table(sel, head, cells)

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
                         _fmt(r['delta_hmean'], signed=True)])
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
    """Grouped bars of hmean, baseline vs oCLIP: MMOCR's two protocols and
    each pair's first official protocol."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

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
        ax.set_ylabel('hmean')
        thr = sel[0]['oclip_thr'] or sel[0]['baseline_thr']
        at = f' {thr:.2f}' if thr is not None else ''
        ax.set_title(
            'best of thresholds (MMOCR)' if protocol == 'best' else
            f'fixed threshold{at} (MMOCR)' if protocol == 'fixed' else
            f'official protocol, threshold{at}', fontsize=9)
        if protocol == 'official':
            ax.set_xticklabels([
                f"{r['detector']}\n{r['dataset']}\n"
                f"{r['protocol'].replace('_', ' ')}" for r in sel],
                fontsize=6)
        ax.legend(fontsize=7, loc='upper left', ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
