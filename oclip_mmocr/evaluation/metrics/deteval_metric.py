# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""DetEval, the detection protocol of Total-Text's published numbers.

The rules are those of the Total-Text repository's
``Evaluation_Protocol/Python_scripts/Deteval.py`` (cs-chan/Total-Text-Dataset),
read and re-implemented here:

- Coverage tables: ``sigma = |G & D| / |G|`` (recall side) and
  ``tau = |G & D| / |D|`` (precision side), each rounded to 2 decimals.
- Don't care: a detection with ``|G & D| / (|D| + 1) > 0.5`` against a
  ``'#'`` ground truth is removed, then the don't-care ground truths are.
- One-to-one: ground truth ``g`` has exactly one detection with
  ``sigma > tr`` and exactly one with ``tau > tp``, and, among the
  detections it qualifies with, exactly one ground truth passes each test;
  credit 1 to both sides.
- One-to-many (one ground truth split into several detections), for each
  unmatched ground truth overlapping (``sigma > 0``) at least ``k = 2``
  detections: the still-unmatched detections with ``tau >= tp``; one such
  detection with ``sigma >= tr`` is a one-to-one match; several whose
  ``sigma`` sum to ``>= tr`` give recall ``fsc_k = 0.8`` and precision
  ``0.8`` per detection.
- Many-to-one (one detection covering several ground truths), for each
  unmatched detection overlapping (``tau > 0``) at least 2 ground truths:
  the still-unmatched ground truths with ``sigma >= tp`` (the script's
  test, ``tp`` and not ``tr``); one such with ``tau >= tp`` and
  ``sigma >= tr`` is a one-to-one match; several whose ``tau`` sum to
  ``>= tp`` give recall 0.8 per ground truth and precision 0.8.
- Precision = credits / detections, recall = credits / ground truths, both
  summed over the dataset before dividing.

With ``official_rounding`` the metric scores the polygons the
``totaltext-det`` writer puts in the file (one ``submission_polygon`` for
both), so it equals the script run on that file, bad geometry included.
Known difference otherwise: the script divides by a detection's area and
crashes on a zero-area detection (the writer leaves such a prediction out);
without ``official_rounding`` it overlaps nothing here (``tau = 0``) and
counts as a false positive. A zero-area ground truth cannot be matched and
counts as a miss.
"""
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger
from shapely.geometry import Polygon

from mmocr.registry import METRICS
from ..submission import submission_instances

#: (tr, tp) of the Total-Text script, and the stricter-recall / looser-
#: precision pair TextBPN also reports.
DETEVAL_SETTINGS = ((0.7, 0.6), (0.8, 0.4))


def _shape(polygon) -> Tuple[Polygon, float]:
    """The polygon's area as the script measures it (shapely, as given) and
    its ``buffer(0)`` version for intersections."""
    pts = np.asarray(polygon, np.float64).reshape(-1, 2)
    raw = Polygon(pts)
    return raw.buffer(0), float(raw.area)


def coverage_tables(gt_polygons: Sequence, pred_polygons: Sequence
                    ) -> Tuple[np.ndarray, np.ndarray]:
    """``sigma`` and ``tau``, ``(num_gt, num_pred)``, rounded to 2 decimals
    as the script rounds them (zero where an area is zero)."""
    gts = [_shape(p) for p in gt_polygons]
    preds = [_shape(p) for p in pred_polygons]
    inter = np.zeros((len(gts), len(preds)))
    for i, (g, _) in enumerate(gts):
        for j, (d, _) in enumerate(preds):
            if g.intersects(d):
                inter[i, j] = g.intersection(d).area
    g_area = np.array([a for _, a in gts], np.float64).reshape(-1, 1)
    d_area = np.array([a for _, a in preds], np.float64).reshape(1, -1)
    with np.errstate(divide='ignore', invalid='ignore'):
        sigma = np.where(g_area > 0, inter / g_area, 0.)
        tau = np.where(d_area > 0, inter / d_area, 0.)
    return np.round(sigma, 2), np.round(tau, 2)


def dont_care_detections(dc_polygons: Sequence, pred_polygons: Sequence,
                         thr: float = 0.5) -> np.ndarray:
    """Which detections the script removes: intersection with any
    don't-care ground truth over (detection area + 1) above ``thr``."""
    out = np.zeros(len(pred_polygons), bool)
    dcs = [_shape(p)[0] for p in dc_polygons]
    for j, p in enumerate(pred_polygons):
        d, area = _shape(p)
        for g in dcs:
            if d.intersects(g) and d.intersection(g).area / (area + 1.) > thr:
                out[j] = True
                break
    return out


def deteval_credits(sigma: np.ndarray, tau: np.ndarray, tr: float = 0.7,
                    tp: float = 0.6, fsc_k: float = 0.8, k: int = 2
                    ) -> Tuple[float, float]:
    """Recall and precision credits of one image (module docstring)."""
    num_gt, num_det = sigma.shape
    gt_done = np.zeros(num_gt, bool)
    det_done = np.zeros(num_det, bool)
    recall = precision = 0.

    # One to one. The script counts qualifying entries of the columns it
    # selected, over every ground truth, without skipping matched ones.
    sig_ok, tau_ok = sigma > tr, tau > tp
    for g in range(num_gt):
        s_cols = np.flatnonzero(sig_ok[g])
        t_cols = np.flatnonzero(tau_ok[g])
        if (len(s_cols) == 1 and len(t_cols) == 1
                and sig_ok[:, s_cols].sum() == 1
                and tau_ok[:, t_cols].sum() == 1):
            recall += 1.
            precision += 1.
            gt_done[g] = True
            det_done[s_cols] = True

    # One ground truth, several detections.
    for g in range(num_gt):
        if gt_done[g] or (sigma[g] > 0).sum() < k:
            continue
        cands = np.flatnonzero((tau[g] >= tp) & ~det_done)
        if len(cands) == 1:
            if sigma[g, cands[0]] >= tr:
                recall += 1.
                precision += 1.
                gt_done[g] = True
                det_done[cands] = True
        elif sigma[g, cands].sum() >= tr:
            recall += fsc_k
            precision += fsc_k * len(cands)
            gt_done[g] = True
            det_done[cands] = True

    # Several ground truths, one detection.
    for d in range(num_det):
        if det_done[d] or (tau[:, d] > 0).sum() < k:
            continue
        cands = np.flatnonzero((sigma[:, d] >= tp) & ~gt_done)
        if len(cands) == 1:
            if tau[cands[0], d] >= tp and sigma[cands[0], d] >= tr:
                recall += 1.
                precision += 1.
                gt_done[cands] = True
                det_done[d] = True
        elif tau[cands, d].sum() >= tp:
            recall += fsc_k * len(cands)
            precision += fsc_k
            gt_done[cands] = True
            det_done[d] = True
    return recall, precision


def _prh(recall_credit: float, precision_credit: float, num_gt: int,
         num_det: int) -> Tuple[float, float, float]:
    recall = recall_credit / num_gt if num_gt else 0.
    precision = precision_credit / num_det if num_det else 0.
    hmean = (2 * precision * recall / (precision + recall)
             if precision + recall > 0 else 0.)
    return precision, recall, hmean


@METRICS.register_module()
class DetEvalMetric(BaseMetric):
    """Total-Text's DetEval protocol (module docstring) as an MMOCR metric.

    Works on any data sample with ``pred_instances.polygons`` / ``scores``
    and ``gt_instances.polygons`` / ``ignored`` (text detection and text
    spotting alike).

    Reported (``prefix`` ``'deteval'``): ``precision``, ``recall``,
    ``hmean`` for the first ``settings`` entry, and
    ``tr{tr}_tp{tp}_precision`` etc. for every other one.

    Args:
        settings: ``(tr, tp)`` pairs, computed from the same coverage
            tables. Default: the Total-Text script's ``(0.7, 0.6)``.
        pred_score_thr (float): Predictions scored below it are dropped
            first (DetEval scores what a submission contains).
        official_rounding (bool): Score the polygons the ``totaltext-det``
            submission holds (:func:`~oclip_mmocr.evaluation.submission.
            submission_polygon`: integer coordinates, a polygon that
            rounding folds repaired, one with no area left out), so the
            number is the one ``Deteval.py`` gives on the written files.
        fsc_k (float): Credit of a split or merged match.
        k (int): Overlaps needed to try a split or merged match.
        dont_care_thr (float): The don't-care removal threshold.
    """

    default_prefix = 'deteval'

    def __init__(self,
                 settings: Sequence[Sequence[float]] = (DETEVAL_SETTINGS[0], ),
                 pred_score_thr: float = 0.5,
                 official_rounding: bool = False,
                 fsc_k: float = 0.8,
                 k: int = 2,
                 dont_care_thr: float = 0.5,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.settings = [(float(a), float(b)) for a, b in settings]
        if not self.settings:
            raise ValueError('DetEvalMetric needs at least one (tr, tp)')
        self.pred_score_thr = pred_score_thr
        self.official_rounding = official_rounding
        self.fsc_k, self.k = fsc_k, k
        self.dont_care_thr = dont_care_thr

    def process(self, data_batch: Sequence[Dict],
                data_samples: Sequence[Dict]) -> None:
        for ds in data_samples:
            pred, gt = ds.get('pred_instances'), ds.get('gt_instances')
            if self.official_rounding:
                # The writer's geometry, not a rounding of our own: the
                # column must be the score of the file a user submits.
                polys, _, _, _ = submission_instances(
                    pred, self.pred_score_thr)
                preds = [p.astype(np.float64) for p in polys]
            else:
                scores = pred.get('scores')
                if isinstance(scores, torch.Tensor):
                    scores = scores.cpu().numpy()
                scores = np.asarray(scores, np.float32).reshape(-1)
                preds = [
                    np.asarray(p, np.float64)
                    for p, s in zip(pred['polygons'], scores)
                    if s >= self.pred_score_thr
                ]
            ignored = gt.get('ignored')
            if isinstance(ignored, torch.Tensor):
                ignored = ignored.cpu().numpy()
            ignored = np.asarray(ignored, bool).reshape(-1)
            gts = list(gt['polygons'])
            dc = [p for p, ign in zip(gts, ignored) if ign]
            care = [p for p, ign in zip(gts, ignored) if not ign]
            if dc and preds:
                drop = dont_care_detections(dc, preds, self.dont_care_thr)
                preds = [p for p, x in zip(preds, drop) if not x]
            sigma, tau = coverage_tables(care, preds)
            credits = [
                deteval_credits(sigma, tau, tr, tp, self.fsc_k, self.k)
                for tr, tp in self.settings
            ]
            self.results.append(
                dict(num_gt=len(care), num_det=len(preds), credits=credits))

    def compute_metrics(self, results: List[Dict]) -> Dict:
        num_gt = sum(r['num_gt'] for r in results)
        num_det = sum(r['num_det'] for r in results)
        out = {}
        for i, (tr, tp) in enumerate(self.settings):
            rc = sum(r['credits'][i][0] for r in results)
            pc = sum(r['credits'][i][1] for r in results)
            p, r, h = _prh(rc, pc, num_gt, num_det)
            key = '' if i == 0 else f'tr{tr:g}_tp{tp:g}_'
            out.update({f'{key}precision': p, f'{key}recall': r,
                        f'{key}hmean': h})
        MMLogger.get_current_instance().info(
            f'DetEval (score >= {self.pred_score_thr}): ' + ', '.join(
                f'tr {tr:g}/tp {tp:g}: P {out[k + "precision"]:.4f} '
                f'R {out[k + "recall"]:.4f} H {out[k + "hmean"]:.4f}'
                for k, (tr, tp) in zip(
                    [''] + [f'tr{a:g}_tp{b:g}_' for a, b in
                            self.settings[1:]], self.settings)))
        return out
