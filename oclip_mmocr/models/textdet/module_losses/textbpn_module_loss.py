# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
import math
from typing import Dict, List, Sequence, Tuple

import cv2
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.logging import MessageHub
from scipy import ndimage

from mmocr.registry import MODELS
from ..layers.polygon_sampling import is_valid_polygon, mask_ring, \
    resample_ring


@MODELS.register_module()
class TextBPNModuleLoss(nn.Module):
    """TextBPN's targets and losses.

    Targets are built per image from ``gt_instances.polygons`` /
    ``gt_instances.ignored`` at the resolution of the predicted maps (like
    MMOCR's DB/PSE module losses). Ignored instances are cut out of the
    training mask; degenerate polygons (fewer than 3 points or zero area)
    are skipped, and an image without any usable text still gives the
    classification and distance losses on its background.

    Losses:
        - ``loss_cls``: BCE of the text-region map with online hard negative
          mining (``neg_ratio`` negatives per positive);
        - ``loss_dist``: squared error of the normalised distance field, text
          pixels and as many hardest background pixels (``neg_ratio``x)
          averaged separately, times ``dist_weight``;
        - ``loss_dir``: direction field, a norm term weighted by
          ``1/sqrt(area)`` per instance and an angle term ``1 - cos`` on text;
        - ``loss_point``: smooth L1 between each refined ring and its ground
          truth, minimised over cyclic shifts of the ground-truth start
          vertex, averaged over the refinement steps, ramped up as in the
          paper: ``point_weight * sigmoid(progress - 1)`` with progress the
          fraction of training done (read from MMEngine's message hub).

    Args:
        num_points (int): Vertices per ring.
        proposal_thr (float): Training proposals are the contour of the
            region whose normalised distance exceeds this, jittered.
        jitter (float): Jitter amplitude, as a fraction of that region's
            inner distance.
        neg_ratio (float): Hard negatives per positive.
        dist_weight (float): Weight of the distance loss (paper: 3).
        point_weight (float): Scale of the ramped point loss (paper: 0.1).
        max_instances (int): At most this many rings per image.
    """

    def __init__(self,
                 num_points: int = 20,
                 proposal_thr: float = 0.3,
                 jitter: float = 0.8,
                 neg_ratio: float = 3.,
                 dist_weight: float = 3.,
                 point_weight: float = 0.1,
                 max_instances: int = 64) -> None:
        super().__init__()
        self.num_points = num_points
        self.proposal_thr = proposal_thr
        self.jitter = jitter
        self.neg_ratio = neg_ratio
        self.dist_weight = dist_weight
        self.point_weight = point_weight
        self.max_instances = max_instances

    # ----------------------------------------------------------- targets
    def get_targets(self, data_samples: Sequence, size: Tuple[int, int],
                    stride: int, device: torch.device) -> Dict:
        """Stack per-image targets at map resolution ``size = (H, W)``.

        Returns:
            dict: ``tr_mask``, ``train_mask``, ``dist``, ``weight``
            ``(N, H, W)``; ``direction`` ``(N, 2, H, W)``; ``gt_points``
            and ``proposals`` ``(M, P, 2)`` in map pixels; ``inds`` ``(M,)``.
        """
        maps: Dict[str, List] = dict(
            tr_mask=[], train_mask=[], dist=[], weight=[], direction=[])
        gt_points, proposals, inds = [], [], []
        for b, sample in enumerate(data_samples):
            gt = sample.gt_instances
            ignored = gt.ignored
            ignored = ignored.cpu().numpy() if torch.is_tensor(ignored) \
                else np.asarray(ignored)
            polys = [np.asarray(p, np.float64).reshape(-1, 2) / stride
                     for p in gt.polygons]
            t = self._single_targets(polys, ignored.astype(bool), size)
            for k in maps:
                maps[k].append(t[k])
            gt_points += t['gt_points']
            proposals += t['proposals']
            inds += [b] * len(t['gt_points'])
        out = {
            k: torch.from_numpy(np.stack(v)).to(device)
            for k, v in maps.items()
        }
        shape = (0, self.num_points, 2)
        out['gt_points'] = torch.from_numpy(
            np.stack(gt_points) if gt_points else np.zeros(shape, np.float32)
        ).to(device)
        out['proposals'] = torch.from_numpy(
            np.stack(proposals) if proposals else np.zeros(shape, np.float32)
        ).to(device)
        out['inds'] = torch.as_tensor(inds, dtype=torch.long, device=device)
        return out

    def _single_targets(self, polys: List[np.ndarray], ignored: np.ndarray,
                        size: Tuple[int, int]) -> Dict:
        h, w = size
        tr_mask = np.zeros((h, w), np.float32)
        train_mask = np.ones((h, w), np.float32)
        dist = np.zeros((h, w), np.float32)
        weight = np.zeros((h, w), np.float32)
        direction = np.zeros((2, h, w), np.float32)
        gt_points, proposals = [], []
        for poly, ign in zip(polys, ignored):
            if not is_valid_polygon(poly):
                continue
            pts = np.round(poly).astype(np.int32)
            if ign:
                cv2.fillPoly(train_mask, [pts], 0.)
                continue
            inst = np.zeros((h, w), np.uint8)
            cv2.fillPoly(inst, [pts], 1)
            if inst.sum() == 0 or len(gt_points) >= self.max_instances:
                continue
            # Distances and nearest-background indices inside the instance's
            # box only (1 px margin so the border counts as background).
            ys, xs = np.nonzero(inst)
            y0, y1 = max(ys.min() - 1, 0), min(ys.max() + 2, h)
            x0, x1 = max(xs.min() - 1, 0), min(xs.max() + 2, w)
            crop = np.pad(inst[y0:y1, x0:x1], 1)
            edt, idx = ndimage.distance_transform_edt(
                crop, return_indices=True)
            edt, idx = edt[1:-1, 1:-1], idx[:, 1:-1, 1:-1] - 1
            norm = edt / (edt.max() + 1e-9)
            region = (slice(y0, y1), slice(x0, x1))
            fg = crop[1:-1, 1:-1] > 0
            dist[region] = np.maximum(dist[region], norm)
            gy, gx = np.mgrid[0:y1 - y0, 0:x1 - x0]
            vec = np.stack([gx - idx[1], gy - idx[0]]).astype(np.float32)
            vec /= np.linalg.norm(vec, axis=0, keepdims=True) + 1e-9
            direction[:, y0:y1, x0:x1][:, fg] = vec[:, fg]
            tr_mask[inst > 0] = 1.
            weight[inst > 0] = 1. / math.sqrt(inst.sum())
            gt_points.append(resample_ring(poly, self.num_points))
            proposals.append(self._proposal(norm >= self.proposal_thr,
                                            edt.max(), x0, y0, gt_points[-1],
                                            (h, w)))
        bg = tr_mask == 0
        if bg.any():
            weight[bg] = 1. / math.sqrt(bg.sum())
        return dict(tr_mask=tr_mask, train_mask=train_mask, dist=dist,
                    weight=weight, direction=direction, gt_points=gt_points,
                    proposals=proposals)

    def _proposal(self, core: np.ndarray, inner: float, x0: int, y0: int,
                  fallback: np.ndarray, size: Tuple[int, int]) -> np.ndarray:
        """The shrunk region's contour, jittered: what inference proposes."""
        ring = mask_ring(core, self.num_points)
        ring = fallback.copy() if ring is None else ring + (x0, y0)
        if self.jitter > 0:
            amp = self.jitter * self.proposal_thr * inner
            ring = ring + np.random.uniform(-0.5, 0.5, ring.shape) * amp
        h, w = size
        return np.clip(ring, 0, (w - 1, h - 1)).astype(np.float32)

    # ------------------------------------------------------------ losses
    def _ohem_bce(self, pred: torch.Tensor, target: torch.Tensor,
                  mask: torch.Tensor) -> torch.Tensor:
        loss = F.binary_cross_entropy(
            pred.clamp(1e-6, 1 - 1e-6), target, reduction='none')
        pos = (target > 0.5) & (mask > 0.5)
        neg = (target <= 0.5) & (mask > 0.5)
        n_pos = int(pos.sum())
        n_neg = min(int(neg.sum()),
                    int(self.neg_ratio * n_pos) if n_pos else 100)
        hard = loss[neg].topk(n_neg).values if n_neg else loss.new_zeros(0)
        return (loss[pos].sum() + hard.sum()) / max(n_pos + n_neg, 1)

    def _balanced_mse(self, pred: torch.Tensor, target: torch.Tensor,
                      mask: torch.Tensor) -> torch.Tensor:
        """Per image: mean over text pixels + mean over the hardest
        background pixels, averaged over the batch."""
        loss = (pred - target)**2 * mask
        total = pred.new_zeros(())
        for l_img, t_img in zip(loss.flatten(1), target.flatten(1)):
            pos = t_img > 1e-3
            n_pos = int(pos.sum())
            neg = l_img[~pos]
            k = min(neg.numel(), int(self.neg_ratio * n_pos) if n_pos else 100)
            if n_pos:
                total = total + l_img[pos].mean()
            if k:
                total = total + neg.topk(k).values.mean()
        return total / loss.shape[0]

    def _direction(self, pred: torch.Tensor, t: Dict) -> torch.Tensor:
        gt = t['direction']
        # Summed along rows, averaged over rows and images (as released).
        norm_loss = (t['weight'] * ((pred - gt)**2).sum(1) *
                     t['train_mask']).sum(-1).mean()
        text = (t['tr_mask'] * t['train_mask']) > 0
        if text.any():
            cos = F.cosine_similarity(pred, gt, dim=1, eps=1e-9)
            angle_loss = (1 - cos)[text].mean()
        else:
            angle_loss = pred.sum() * 0
        return norm_loss + angle_loss

    @staticmethod
    def point_matching(pred: torch.Tensor, gt: torch.Tensor) -> torch.Tensor:
        """Smooth L1 between rings ``(M, P, 2)``, minimised over the ``P``
        cyclic shifts of each ground-truth ring; mean over rings."""
        p = gt.shape[1]
        shifts = (torch.arange(p, device=gt.device)[:, None] +
                  torch.arange(p, device=gt.device)[None]) % p  # (P, P)
        gt_all = gt[:, shifts]  # (M, P shifts, P, 2)
        d = F.smooth_l1_loss(
            pred[:, None].expand_as(gt_all), gt_all,
            reduction='none').sum(-1).mean(-1)  # (M, P shifts)
        return d.min(1).values.mean()

    def ramp(self) -> float:
        """``point_weight * sigmoid(progress - 1)``; progress 1 outside a
        runner."""
        hub = MessageHub.get_current_instance()
        it, max_it = hub.get_info('iter'), hub.get_info('max_iters')
        progress = it / max_it if it is not None and max_it else 1.
        return self.point_weight / (1 + math.exp(-(progress - 1)))

    def forward(self, maps: torch.Tensor, rings: List[torch.Tensor],
                targets: Dict) -> Dict[str, torch.Tensor]:
        """
        Args:
            maps: ``(N, 4, H, W)``: text probability, distance (both after
                sigmoid) and the 2-channel direction field.
            rings: refined rings per step, each ``(M, P, 2)``.
            targets: from :meth:`get_targets`.
        """
        t = targets
        loss_cls = self._ohem_bce(maps[:, 0], t['tr_mask'], t['train_mask'])
        loss_dist = self._balanced_mse(maps[:, 1], t['dist'],
                                       t['train_mask'])
        loss_dir = self._direction(maps[:, 2:4], t)
        if t['gt_points'].shape[0] and rings:
            match = sum(
                self.point_matching(r, t['gt_points'])
                for r in rings) / len(rings)
        else:
            # Keeps every parameter in the graph (DDP) with a zero loss.
            match = maps.sum() * 0 + sum(r.sum() * 0 for r in rings)
        return dict(
            loss_cls=loss_cls,
            loss_dist=self.dist_weight * loss_dist,
            loss_dir=loss_dir,
            loss_point=self.ramp() * match)
