# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
import math
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from mmengine.logging import MessageHub
from scipy import ndimage

from mmocr.models.textdet.module_losses.base import BaseTextDetModuleLoss
from mmocr.registry import MODELS
from ...layers.pixel_grid import input_to_map, map_to_input
from ..layers.polygon_sampling import is_valid_polygon, mask_ring, \
    resample_ring


@MODELS.register_module()
class TextBPNModuleLoss(BaseTextDetModuleLoss):
    """TextBPN's targets and losses, under MMOCR's module-loss contract:
    :meth:`get_targets` builds everything from the data samples and
    ``forward(preds, data_samples)`` returns the losses.

    Targets are built per image from ``gt_instances.polygons`` /
    ``gt_instances.ignored`` at the resolution of the predicted maps
    (``batch_input_shape / stride``, map pixel ``j`` on input pixel
    ``stride * j``; see :mod:`oclip_mmocr.models.layers.pixel_grid`). Every
    instance is drawn into the maps; only the rings are capped
    (``max_rings`` per image, a random subset beyond that) since each ring
    costs a deformation. Instances are ignored (cut out of the training mask,
    no ring) when flagged, or when their largest inner distance is under
    ``min_text_size`` input pixels: inference needs a shrunk region of
    ``min_area`` pixels to propose a word, so such words can never be found
    (the released code's rule, ``min_text_size = 4``). Degenerate polygons
    (fewer than 3 points, zero area) are skipped, and an image without any
    usable text still gives the classification and distance losses on its
    background.

    Losses:
        - ``loss_cls``: BCE of the text-region map with online hard negative
          mining (``neg_ratio`` negatives per positive);
        - ``loss_dist``: squared error of the normalised distance field, text
          pixels and as many hardest background pixels (``neg_ratio``x)
          averaged separately, times ``dist_weight``;
        - ``loss_dir``: direction field, a norm term weighted by
          ``1/sqrt(area)`` per instance and an angle term ``1 - cos`` on text;
        - ``loss_point``: smooth L1 in input pixels (the knee at 1 px at any
          stride) between each refined ring and its ground truth, minimised
          over cyclic shifts of the ground-truth start vertex, averaged over
          the refinement steps, ramped up as in the paper:
          ``point_weight * sigmoid(progress - 1)`` with progress the fraction
          of training done (read from MMEngine's message hub).

    Args:
        num_points (int): Vertices per ring.
        stride (int): Input pixels per map pixel (set by the head).
        proposal_thr (float): Training proposals are the contour of the
            region whose normalised distance reaches this, jittered (0.4 as
            released, ``th_b``).
        jitter (float): Jitter amplitude, as a fraction of
            ``proposal_thr * inner distance`` (0.8 as released).
        neg_ratio (float): Hard negatives per positive.
        dist_weight (float): Weight of the distance loss (paper: 3).
        point_weight (float): Scale of the ramped point loss (paper: 0.1).
        max_rings (int): At most this many rings per image (released: 64).
        min_text_size (float): Instances whose largest inner distance is
            smaller, in input pixels, are ignored.
    """

    def __init__(self,
                 num_points: int = 20,
                 stride: int = 1,
                 proposal_thr: float = 0.4,
                 jitter: float = 0.8,
                 neg_ratio: float = 3.,
                 dist_weight: float = 3.,
                 point_weight: float = 0.1,
                 max_rings: int = 64,
                 min_text_size: float = 4.) -> None:
        super().__init__()
        self.num_points = num_points
        self.stride = stride
        self.proposal_thr = proposal_thr
        self.jitter = jitter
        self.neg_ratio = neg_ratio
        self.dist_weight = dist_weight
        self.point_weight = point_weight
        self.max_rings = max_rings
        self.min_text_size = min_text_size

    # ----------------------------------------------------------- targets
    def map_size(self, data_samples: Sequence) -> Tuple[int, int]:
        """``(H, W)`` of the predicted maps: the padded batch at the stride."""
        meta = data_samples[0].metainfo
        shape = meta.get('batch_input_shape', meta.get('pad_shape'))
        if shape is None:
            raise KeyError('TextBPNModuleLoss needs batch_input_shape (set by '
                           'the data preprocessor) in the data samples')
        return (math.ceil(shape[0] / self.stride),
                math.ceil(shape[1] / self.stride))

    def get_targets(self, data_samples: Sequence) -> Dict:
        """Stack per-image targets at map resolution.

        Returns:
            dict: ``tr_mask``, ``train_mask``, ``dist``, ``weight``
            ``(N, H, W)``; ``direction`` ``(N, 2, H, W)``; ``gt_points``
            and ``proposals`` ``(M, P, 2)`` in map pixels; ``inds`` ``(M,)``.
            CPU tensors.
        """
        size = self.map_size(data_samples)
        maps: Dict[str, List] = dict(
            tr_mask=[], train_mask=[], dist=[], weight=[], direction=[])
        gt_points, proposals, inds = [], [], []
        for b, sample in enumerate(data_samples):
            gt = sample.gt_instances
            ignored = gt.ignored
            ignored = ignored.cpu().numpy() if torch.is_tensor(ignored) \
                else np.asarray(ignored)
            polys = [
                input_to_map(np.asarray(p, np.float64).reshape(-1, 2),
                             self.stride) for p in gt.polygons
            ]
            t = self._single_targets(polys, ignored.astype(bool), size)
            for k in maps:
                maps[k].append(t[k])
            gt_points += t['gt_points']
            proposals += t['proposals']
            inds += [b] * len(t['gt_points'])
        out = {k: torch.from_numpy(np.stack(v)) for k, v in maps.items()}
        shape = (0, self.num_points, 2)
        out['gt_points'] = torch.from_numpy(
            np.stack(gt_points) if gt_points else np.zeros(shape, np.float32))
        out['proposals'] = torch.from_numpy(
            np.stack(proposals) if proposals else np.zeros(shape, np.float32))
        out['inds'] = torch.as_tensor(inds, dtype=torch.long)
        return out

    def _single_targets(self, polys: List[np.ndarray], ignored: np.ndarray,
                        size: Tuple[int, int]) -> Dict:
        h, w = size
        tr_mask = np.zeros((h, w), np.float32)
        train_mask = np.ones((h, w), np.float32)
        dist = np.zeros((h, w), np.float32)
        weight = np.zeros((h, w), np.float32)
        direction = np.zeros((2, h, w), np.float32)
        rings = []
        for poly, ign in zip(polys, ignored):
            if not is_valid_polygon(poly):
                continue
            pts = np.round(poly).astype(np.int32)
            inst = np.zeros((h, w), np.uint8)
            cv2.fillPoly(inst, [pts], 1)
            if ign or inst.sum() == 0:
                cv2.fillPoly(train_mask, [pts], 0.)
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
            if self._inner_distance(poly, edt.max()) < self.min_text_size:
                cv2.fillPoly(train_mask, [pts], 0.)
                continue
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
            rings.append((poly, norm >= self.proposal_thr, edt.max(), x0, y0))
        bg = tr_mask == 0
        if bg.any():
            weight[bg] = 1. / math.sqrt(bg.sum())
        if len(rings) > self.max_rings:
            keep = np.sort(np.random.permutation(len(rings))[:self.max_rings])
            rings = [rings[i] for i in keep]
        gt_points, proposals = [], []
        for poly, core, inner, x0, y0 in rings:
            gt_points.append(resample_ring(poly, self.num_points))
            proposals.append(
                self._proposal(core, inner, x0, y0, gt_points[-1], (h, w)))
        return dict(tr_mask=tr_mask, train_mask=train_mask, dist=dist,
                    weight=weight, direction=direction, gt_points=gt_points,
                    proposals=proposals)

    def _inner_distance(self, poly: np.ndarray, map_inner: float) -> float:
        """Largest inner distance of ``poly`` (map pixels), in input pixels.

        The map's distance transform is exact enough away from the threshold;
        near it (a stride-4 map quantises a 6 px word to 1 or 2 rows), the
        polygon is drawn at input resolution in its own box instead, so the
        ignore rule does not depend on the stride or the sub-pixel position.
        """
        if abs(map_inner * self.stride - self.min_text_size) > self.stride:
            return map_inner * self.stride
        pts = map_to_input(poly, self.stride)
        pts = np.round(pts - pts.min(0)).astype(np.int32)
        box = np.zeros(pts.max(0)[::-1] + 3, np.uint8)
        cv2.fillPoly(box, [pts + 1], 1)
        return float(ndimage.distance_transform_edt(box).max())

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

    def forward(self,
                preds: Tuple[torch.Tensor, List[torch.Tensor]],
                data_samples: Sequence,
                targets: Optional[Dict] = None) -> Dict[str, torch.Tensor]:
        """
        Args:
            preds: ``(maps, rings)``: ``maps`` ``(N, 4, H, W)`` are the text
                probability and distance (both after sigmoid) and the
                2-channel direction field; ``rings`` the refined rings of
                each step, ``(M, P, 2)`` in map pixels, for the proposals of
                ``targets``.
            data_samples: The batch's data samples.
            targets: :meth:`get_targets` of ``data_samples`` when the caller
                already built them (the head does, for the proposals).
        """
        maps, rings = preds
        if targets is None:
            targets = self.get_targets(data_samples)
        t = {k: v.to(maps.device) for k, v in targets.items()}
        loss_cls = self._ohem_bce(maps[:, 0], t['tr_mask'], t['train_mask'])
        loss_dist = self._balanced_mse(maps[:, 1], t['dist'],
                                       t['train_mask'])
        loss_dir = self._direction(maps[:, 2:4], t)
        if t['gt_points'].shape[0] and rings:
            gt = map_to_input(t['gt_points'], self.stride)
            match = sum(
                self.point_matching(map_to_input(r, self.stride), gt)
                for r in rings) / len(rings)
        else:
            # Keeps every parameter in the graph (DDP) with a zero loss.
            match = maps.sum() * 0 + sum(r.sum() * 0 for r in rings)
        return dict(
            loss_cls=loss_cls,
            loss_dist=self.dist_weight * loss_dist,
            loss_dir=loss_dir,
            loss_point=self.ramp() * match)
