# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Intervals for a twin comparison: per-image counts and a paired bootstrap.

An hmean is not an average over images, so it cannot be bootstrapped from
per-image hmeans: each replicate draws test images (with replacement) and
sums their hits, ground truths and predictions before computing hmean, as
MMOCR does over a whole test set. The two twins of a comparison are scored
on the same images, so each replicate draws the same images for both (a
paired bootstrap: the images' difficulty cancels in the difference); the
finetuning seeds of each twin are drawn with replacement too, so the
interval carries the seed-to-seed spread as well as the test set's.
"""
import logging
from typing import Dict, Sequence

import numpy as np
from mmengine.logging import MMLogger
from mmocr.evaluation import HmeanIOUMetric


def image_counts(samples: Sequence[Dict], thr: float = 0.5,
                 **metric_kwargs) -> np.ndarray:
    """Per test image, ``(hits, ground truths, predictions)`` as MMOCR's
    :class:`HmeanIOUMetric` counts them at score threshold ``thr``
    (don't-care regions, IoU threshold and matching strategy its own).

    Args:
        samples: Test results (``pred_instances``, ``gt_instances``), one per
            image, in a fixed image order.
        thr: The score threshold.
        **metric_kwargs: Other :class:`HmeanIOUMetric` arguments.

    Returns:
        np.ndarray: ``(num_images, 3)`` integers; their sum over images
        gives the metric's numbers for the whole set.
    """
    metric = HmeanIOUMetric(
        pred_score_thrs=dict(start=thr, stop=thr + 1e-6, step=1.0),
        **metric_kwargs)
    metric.process([], samples)
    logger = MMLogger.get_current_instance()
    level = logger.level
    logger.setLevel(logging.WARNING)  # one report per image otherwise
    try:
        out = []
        for result in metric.results:
            n_gt = int(result['iou_metric'].shape[0])
            n_pred = int(np.sum(np.asarray(result['pred_scores']) >= thr))
            rec = metric.compute_metrics([result])['recall']
            out.append((int(round(rec * n_gt)), n_gt, n_pred))
    finally:
        logger.setLevel(level)
    return np.asarray(out, np.int64).reshape(-1, 3)


def hmean_of(counts: np.ndarray) -> np.ndarray:
    """Hmean of summed counts ``(..., 3)`` (hits, ground truths,
    predictions), 0 where precision + recall is 0."""
    counts = np.asarray(counts, np.float64)
    hits, gts, preds = counts[..., 0], counts[..., 1], counts[..., 2]
    with np.errstate(divide='ignore', invalid='ignore'):
        recall = np.where(gts > 0, hits / gts, 0.)
        precision = np.where(preds > 0, hits / preds, 0.)
        hmean = np.where(precision + recall > 0,
                         2 * precision * recall / (precision + recall), 0.)
    return hmean


def paired_bootstrap(a: np.ndarray, b: np.ndarray, num: int = 2000,
                     level: float = 0.95, seed: int = 0) -> Dict[str, float]:
    """Mean hmean of two twins over their seeds, and the interval of their
    difference ``a - b``.

    Args:
        a, b: Per-image counts of each finetuning seed of each twin,
            ``(num_seeds, num_images, 3)`` (:func:`image_counts`), the
            images in the same order in both.
        num: Bootstrap replicates.
        level: Coverage of the percentile interval.
        seed: Seed of the resampling (the result is deterministic).

    Returns:
        dict: ``a``, ``b`` (mean hmean over seeds), ``a_std``, ``b_std``
        (spread over seeds, ddof 1; 0 for one seed), ``diff``, ``low``,
        ``high`` (the interval) and ``excludes_zero``.
    """
    a, b = np.asarray(a), np.asarray(b)
    if a.ndim != 3 or b.ndim != 3 or a.shape[1:] != b.shape[1:] or \
            a.shape[2] != 3:
        raise ValueError('paired_bootstrap needs counts of shape (seeds, '
                         f'images, 3) on the same images, got {a.shape} and '
                         f'{b.shape}')
    if a.shape[1] == 0:
        raise ValueError('paired_bootstrap needs at least one test image')
    if not 0 < level < 1:
        raise ValueError(f'level must be in (0, 1), got {level}')
    per_seed_a, per_seed_b = hmean_of(a.sum(1)), hmean_of(b.sum(1))
    rng = np.random.default_rng(seed)
    n_img = a.shape[1]
    diffs = np.empty(num)
    for r in range(num):
        imgs = rng.integers(0, n_img, n_img)
        sa = rng.integers(0, a.shape[0], a.shape[0])
        sb = rng.integers(0, b.shape[0], b.shape[0])
        ha = hmean_of(a[sa][:, imgs].sum(1)).mean()
        hb = hmean_of(b[sb][:, imgs].sum(1)).mean()
        diffs[r] = ha - hb
    low, high = np.quantile(diffs, [(1 - level) / 2, (1 + level) / 2])
    spread = (lambda h: float(h.std(ddof=1)) if len(h) > 1 else 0.)
    diff = float(per_seed_a.mean() - per_seed_b.mean())
    return dict(a=float(per_seed_a.mean()), b=float(per_seed_b.mean()),
                a_std=spread(per_seed_a), b_std=spread(per_seed_b),
                diff=diff, low=float(low), high=float(high),
                excludes_zero=bool(low > 0 or high < 0))
