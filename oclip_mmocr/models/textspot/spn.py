# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from typing import List, Sequence, Tuple

import cv2
import numpy as np
import pyclipper
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule

from mmocr.registry import MODELS
from mmocr.utils import offset_polygon


@MODELS.register_module()
class SegmentationProposalNetwork(BaseModule):
    """Mask TextSpotter v3's SPN: FPN levels fused at 1/4 scale, a text
    probability map, and polygon proposals taken from it.

    Args:
        in_channels (int): FPN channels.
        channels (int): Fused feature channels (also what the RoI heads see).
        num_levels (int): FPN levels fused (strides 4, 8, ...).
        shrink_ratio (float): Targets are polygons shrunk by
            ``area * (1 - r^2) / perimeter`` (as PSENet/DBNet).
        unclip_ratio (float): Proposals are contours expanded by
            ``area * ratio / perimeter``.
        bin_thr (float): Binarisation threshold of the probability map.
        min_area (float): Smallest kept contour, in map cells.
        max_proposals (int): K, per image, highest mean probability first.

    Shapes:
        input: ``num_levels`` maps ``(N, in_channels, H/4/2^i, W/4/2^i)``.
        output: features ``(N, channels, H/4, W/4)``, probability
        ``(N, 1, H/4, W/4)``.
    """

    stride = 4

    def __init__(self,
                 in_channels: int = 256,
                 channels: int = 128,
                 num_levels: int = 4,
                 shrink_ratio: float = 0.4,
                 unclip_ratio: float = 1.5,
                 bin_thr: float = 0.5,
                 min_area: float = 4.,
                 max_proposals: int = 100,
                 init_cfg=dict(type='Kaiming', layer='Conv2d')) -> None:
        super().__init__(init_cfg=init_cfg)
        self.reduce = nn.ModuleList(
            nn.Conv2d(in_channels, channels // num_levels, 3, padding=1)
            for _ in range(num_levels))
        self.fuse = nn.Sequential(
            nn.Conv2d(channels, channels, 3, padding=1),
            nn.BatchNorm2d(channels), nn.ReLU(inplace=True))
        self.prob = nn.Sequential(
            nn.Conv2d(channels, channels // 4, 3, padding=1),
            nn.BatchNorm2d(channels // 4), nn.ReLU(inplace=True),
            nn.Conv2d(channels // 4, 1, 1))
        self.shrink_ratio = shrink_ratio
        self.unclip_ratio = unclip_ratio
        self.bin_thr = bin_thr
        self.min_area = min_area
        self.max_proposals = max_proposals

    def forward(self, feats: Sequence[torch.Tensor]
                ) -> Tuple[torch.Tensor, torch.Tensor]:
        size = feats[0].shape[-2:]
        fused = torch.cat([
            F.interpolate(r(f), size=size, mode='bilinear',
                          align_corners=False) if i else r(f)
            for i, (r, f) in enumerate(zip(self.reduce, feats))
        ], 1)
        x = self.fuse(fused)
        return x, self.prob(x).sigmoid()

    def targets(self, data_samples: Sequence, size: Tuple[int, int]
                ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Shrunk text polygons (1) and a mask without ignored ones, at the
        map's resolution, ``(N, H, W)`` each."""
        h, w = size
        gts, masks = [], []
        for ds in data_samples:
            gt = np.zeros((h, w), np.float32)
            mask = np.ones((h, w), np.float32)
            inst = ds.gt_instances
            ignored = inst.ignored.cpu().numpy() if torch.is_tensor(
                inst.ignored) else np.asarray(inst.ignored)
            for poly, ign in zip(inst.polygons, ignored):
                pts = np.asarray(poly, np.float64).reshape(-1, 2) / self.stride
                if len(pts) < 3:
                    continue
                area = cv2.contourArea(pts.astype(np.float32))
                shrunk = [] if ign or area < 1 else offset_polygon(
                    pts.reshape(-1) * 16,  # pyclipper works in integers
                    -area * 16 * (1 - self.shrink_ratio**2) /
                    max(cv2.arcLength(pts.astype(np.float32), True), 1e-6))
                if len(shrunk) < 6:  # ignored, or too small to shrink
                    cv2.fillPoly(mask, [np.round(pts).astype(np.int32)], 0.)
                    continue
                cv2.fillPoly(gt, [
                    np.round(np.asarray(shrunk).reshape(-1, 2) / 16).astype(
                        np.int32)
                ], 1.)
            gts.append(gt)
            masks.append(mask)
        return (torch.from_numpy(np.stack(gts)),
                torch.from_numpy(np.stack(masks)))

    def loss(self, prob: torch.Tensor, data_samples: Sequence) -> torch.Tensor:
        """Dice loss on the shrunk polygons, ignored regions excluded."""
        gt, mask = (t.to(prob) for t in self.targets(data_samples,
                                                      prob.shape[-2:]))
        p = prob[:, 0] * mask
        g = gt * mask
        inter = (p * g).flatten(1).sum(1)
        union = (p * p).flatten(1).sum(1) + (g * g).flatten(1).sum(1)
        return (1 - 2 * inter / (union + 1e-6)).mean()

    def proposals(self, prob: torch.Tensor) -> List[Tuple[List, List]]:
        """Per image: polygons (flat, input pixels) and their mean
        probability, at most ``max_proposals``, best first."""
        out = []
        for p in prob[:, 0].detach().float().cpu().numpy():
            binary = (p > self.bin_thr).astype(np.uint8)
            contours, _ = cv2.findContours(binary, cv2.RETR_LIST,
                                           cv2.CHAIN_APPROX_SIMPLE)
            polys, scores = [], []
            for c in contours:
                if cv2.contourArea(c) < self.min_area or len(c) < 3:
                    continue
                mask = np.zeros_like(binary)
                cv2.fillPoly(mask, [c], 1)
                score = float(p[mask > 0].mean())
                poly = self._unclip(c.reshape(-1, 2).astype(np.float64))
                if poly is None:
                    continue
                polys.append((poly + 0.5) * self.stride)
                scores.append(score)
            order = np.argsort(scores)[::-1][:self.max_proposals]
            out.append(([polys[i].reshape(-1).astype(np.float32)
                         for i in order], [scores[i] for i in order]))
        return out

    def _unclip(self, pts: np.ndarray):
        area = cv2.contourArea(pts.astype(np.float32))
        peri = cv2.arcLength(pts.astype(np.float32), True)
        offset = pyclipper.PyclipperOffset()
        offset.AddPath((pts * 16).astype(np.int64).tolist(),
                       pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
        res = offset.Execute(area * 16 * self.unclip_ratio / max(peri, 1e-6))
        if not res:
            return None
        return np.asarray(max(res, key=len), np.float64) / 16
