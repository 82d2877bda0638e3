# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Score dumped predictions with MMOCR's protocols and the official ones.

MMOCR's two numbers come from its own :class:`HmeanIOUMetric`: the polygon
IoUs are computed once, then its counting runs once per score threshold, so
``best`` is exactly what MMOCR logs and ``fixed`` uses the same matching
rules at one threshold. The official columns (:data:`OFFICIAL_DET` per
dataset, end to end and word spotting for spotters) score, at the fixed
threshold, exactly the submission files ``tools/make_submission.py`` writes,
with the rules of the script each one follows (docs/evaluation.md).
"""
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmocr.evaluation import HmeanIOUMetric
from .metrics import (DetEvalMetric, GTRecognitionMetric,
                      SpottingHmeanIOUMetric, SubmissionHmeanIOUMetric)
from .metrics.spotting_hmean_iou_metric import LEXICONS

#: MMOCR's default sweep (HmeanIOUMetric's ``pred_score_thrs``).
MMOCR_SWEEP = (0.3, 0.9, 0.1)
#: Official detection columns per dataset (data_root folder name).
OFFICIAL_DET = {
    'icdar2015': ('rrc_iou', ),
    'ctw1500': ('voc_iou', ),
    'totaltext': ('deteval', 'deteval_0.8_0.4', 'iou_int'),
}


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


def lexicon_evaluators(evaluators: Sequence[Dict], lexicons: Dict[str, Dict]
                       ) -> List[Dict]:
    """One end-to-end metric per lexicon in ``lexicons`` (name -> files),
    copying the protocol and submission geometry of the first
    ``SpottingHmeanIOUMetric`` in ``evaluators`` (none: no metric), each
    under the prefix ``e2e_<lexicon>``."""
    base = next((dict(e) for e in evaluators
                 if e.get('type') == 'SpottingHmeanIOUMetric'
                 and not e.get('word_spotting')), None)
    if base is None:
        return []
    base.pop('prefix', None)
    allowed = LEXICONS.get(base.get('protocol', 'icdar2015'), ())
    return [dict(base, lexicon=name, prefix=f'e2e_{name}', **files)
            for name, files in lexicons.items() if name in allowed]


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
        ``fixed_thr`` (:data:`OFFICIAL_DET` keys, then the spotting columns),
        each
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
    rec = recognition_score(samples)
    if rec is not None:
        out['gt_rec'] = rec
    return out


def recognition_score(samples: Sequence[Dict]) -> Optional[Dict]:
    """The recogniser's word accuracy on the ground-truth words
    (:class:`GTRecognitionMetric`, case-insensitive), as ``hmean`` (with
    ``num_words``), for spotters that read them; else None."""
    if not any('read_texts' in s.get('gt_instances', {}) for s in samples):
        return None
    metric = GTRecognitionMetric()
    metric.process([], samples)
    res = metric.compute_metrics(metric.results)
    return dict(precision=None, recall=None, hmean=res['word_acc'],
                thr=None, num_words=res['num_words'])


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
    names = [n for n in LEXICONS.get(protocol, ('none', ))
             if n == 'none' or n in lexicons]
    # Word spotting: the RRC rule, also what AdelaiDet runs on Total-Text.
    modes = (('e2e', False), ('spot', True)) if protocol in (
        'icdar2015', 'totaltext') else (('e2e', False), )
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
