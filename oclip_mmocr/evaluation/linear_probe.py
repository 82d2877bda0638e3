# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""A linear probe of text pixels: how well a frozen trunk's features tell
text from background, before any finetuning.

A logistic regression is fitted on the trunk's features (every level
upsampled to stride 4 and concatenated) of some images' pixels and scored on
other images' pixels by AUROC. It measures what pretraining put into the
trunk that a detector can read off linearly; the study reports it next to
the finetuning results (a pretraining quality number that costs seconds).
"""
from typing import Dict, List, Sequence, Tuple

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from scipy.stats import rankdata

STRIDE = 4


def auroc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney U, ties counted half).

    Args:
        scores (np.ndarray): ``(N,)`` higher = more likely positive.
        labels (np.ndarray): ``(N,)`` 0/1.

    Returns:
        float: AUROC; NaN when one class is absent.
    """
    labels = np.asarray(labels).astype(bool)
    pos, neg = int(labels.sum()), int((~labels).sum())
    if pos == 0 or neg == 0:
        return float('nan')
    ranks = rankdata(scores)
    return float((ranks[labels].sum() - pos * (pos + 1) / 2) / (pos * neg))


def text_pixel_labels(polygons: Sequence[np.ndarray], ignored: Sequence[bool],
                      shape: Tuple[int, int],
                      stride: int = STRIDE) -> np.ndarray:
    """Per pixel of a stride-``stride`` grid: 1 text, 0 background, -1 a
    don't-care word (left out of fitting and scoring).

    Args:
        polygons: Flat ``[x1, y1, x2, y2, ...]`` polygons in input pixels.
        ignored: One flag per polygon.
        shape: ``(H, W)`` of the grid.
        stride: Input pixels per grid cell.

    Returns:
        np.ndarray: ``(H, W)`` int8 labels.
    """
    labels = np.zeros(shape, np.int8)
    for flag in (False, True):  # don't-care drawn last: it wins overlaps
        for poly, ign in zip(polygons, ignored):
            if bool(ign) != flag:
                continue
            pts = np.asarray(poly, np.float64).reshape(-1, 2) / stride
            cv2.fillPoly(labels, [np.round(pts - 0.5).astype(np.int32)],
                         -1 if flag else 1)
    return labels


def stride4_features(levels: Sequence[torch.Tensor]) -> torch.Tensor:
    """Upsample every level to the first one's size and concatenate.

    Args:
        levels: ``(N, C_i, H_i, W_i)`` feature maps, the first at stride 4.

    Returns:
        Tensor: ``(N, sum C_i, H_0, W_0)``.
    """
    size = levels[0].shape[-2:]
    return torch.cat([
        f if f.shape[-2:] == size else F.interpolate(
            f, size=size, mode='bilinear', align_corners=False)
        for f in levels
    ], dim=1)


def fit_logistic(x: torch.Tensor, y: torch.Tensor, l2: float = 1e-3,
                 iters: int = 100) -> Tuple[torch.Tensor, ...]:
    """Class-balanced L2-regularised logistic regression (L-BFGS) on
    standardised features.

    Args:
        x (Tensor): ``(N, C)`` features.
        y (Tensor): ``(N,)`` 0/1 labels.
        l2 (float): Weight decay on the weights.
        iters (int): L-BFGS iterations.

    Returns:
        tuple: ``(mean, std, w, b)``; a pixel's logit is
        ``((x - mean) / std) @ w + b``.
    """
    x = x.double()
    y = y.double()
    mean, std = x.mean(0), x.std(0).clamp_min(1e-6)
    z = (x - mean) / std
    w = torch.zeros(z.shape[1], dtype=z.dtype, requires_grad=True)
    b = torch.zeros((), dtype=z.dtype, requires_grad=True)
    pos = y.sum().clamp_min(1)
    pos_weight = (len(y) - pos).clamp_min(1) / pos
    opt = torch.optim.LBFGS([w, b], max_iter=iters,
                            line_search_fn='strong_wolfe')

    def closure():
        opt.zero_grad()
        loss = F.binary_cross_entropy_with_logits(
            z @ w + b, y, pos_weight=pos_weight) + l2 * (w * w).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return mean, std, w.detach(), b.detach()


def sample_pixels(feats: torch.Tensor, labels: np.ndarray, per_class: int,
                  rng: np.random.Generator) -> Tuple[torch.Tensor, np.ndarray]:
    """Up to ``per_class`` text and background pixels of one image.

    Args:
        feats (Tensor): ``(C, H, W)``.
        labels (np.ndarray): ``(H, W)`` from :func:`text_pixel_labels`.

    Returns:
        tuple: ``(M, C)`` features and their ``(M,)`` labels.
    """
    flat = labels.reshape(-1)
    idx = []
    for cls in (1, 0):
        where = np.flatnonzero(flat == cls)
        if len(where) > per_class:
            where = rng.choice(where, per_class, replace=False)
        idx.append(where)
    idx = np.concatenate(idx)
    return feats.reshape(feats.shape[0], -1)[:, idx].T, flat[idx]


def probe(fit: List[Tuple[torch.Tensor, np.ndarray]],
          held_out: List[Tuple[torch.Tensor, np.ndarray]],
          channels: slice = slice(None), per_class: int = 256,
          seed: int = 0) -> Tuple[float, List[Tuple[np.ndarray, np.ndarray]]]:
    """Fit on ``fit`` images' pixels, score every valid pixel of the
    ``held_out`` images.

    Args:
        fit, held_out: Per image, ``(C, H, W)`` stride-4 features and the
            ``(H, W)`` labels.
        channels: Which feature channels the probe sees (one level).
        per_class: Text / background pixels sampled per fitting image.
        seed: The pixel sampling's seed.

    Returns:
        tuple: pooled AUROC over the held-out pixels, and per held-out image
        its ``(scores, labels)`` (for a bootstrap over images).
    """
    rng = np.random.default_rng(seed)
    xs, ys = zip(*[sample_pixels(f[channels], lab, per_class, rng)
                   for f, lab in fit])
    mean, std, w, b = fit_logistic(torch.cat(xs), torch.from_numpy(
        np.concatenate(ys).astype(np.float64)))
    per_image = []
    for f, lab in held_out:
        flat = lab.reshape(-1)
        keep = flat >= 0
        x = f[channels].reshape(f[channels].shape[0], -1).T[keep].double()
        per_image.append((((x - mean) / std @ w + b).numpy(), flat[keep]))
    scores = np.concatenate([s for s, _ in per_image])
    labels = np.concatenate([lab for _, lab in per_image])
    return auroc(scores, labels), per_image


def paired_auroc_bootstrap(a: List[Tuple[np.ndarray, np.ndarray]],
                           b: List[Tuple[np.ndarray, np.ndarray]],
                           num: int = 500, seed: int = 0) -> Dict:
    """95% interval of AUROC(a) - AUROC(b) over held-out images drawn with
    replacement, the same images for both (paired).

    Args:
        a, b: Per image ``(scores, labels)`` from :func:`probe`, same order.

    Returns:
        dict: ``diff``, ``low``, ``high``.
    """
    rng = np.random.default_rng(seed)
    n = len(a)

    def pooled(per_image, idx):
        return auroc(np.concatenate([per_image[i][0] for i in idx]),
                     np.concatenate([per_image[i][1] for i in idx]))

    every = np.arange(n)
    diffs = []
    for _ in range(num):
        idx = rng.integers(0, n, n)
        d = pooled(a, idx) - pooled(b, idx)
        if not np.isnan(d):
            diffs.append(d)
    low, high = np.percentile(diffs, [2.5, 97.5]) if diffs else (np.nan,) * 2
    return dict(diff=pooled(a, every) - pooled(b, every), low=float(low),
                high=float(high))
