# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from typing import List, Sequence, Tuple

import cv2
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule

from mmocr.registry import MODELS
from ..layers.pixel_grid import input_to_map, map_to_input
from .text_kernels import kernel_coverage, kernel_proposals, shrink_polygon


@MODELS.register_module()
class SegmentationProposalNetwork(BaseModule):
    """Mask TextSpotter v3's SPN: FPN levels fused at 1/4 scale, a text
    kernel map, and polygon proposals read back from it.

    The target of each word is its kernel (shrunk by PSENet/DBNet's rule) as
    area coverage, and a proposal is a kernel component expanded by the
    exact inverse of the shrink (see :mod:`.text_kernels`), so a map equal
    to its own target proposes each word itself. Settings: ``shrink_ratio``
    0.4 (PSENet/DBNet/MTS v3), ``bin_thr`` 0.1 (MTS v3's binarisation
    threshold; kernels thinner than a map pixel have a coverage well under
    0.5), ``margin`` 0.15 map pixels (0.6 px at stride 4, so that proposals
    still cover the whole word when the kernel's outline is off by
    rasterisation), up to ``max_proposals`` = 1000 per image (MTS v3).

    Args:
        in_channels (int): FPN channels.
        channels (int): Fused feature channels (also what the RoI heads see).
        num_levels (int): FPN levels fused (strides 4, 8, ...).
        shrink_ratio (float): Kernel shrink ratio ``r``.
        bin_thr (float): Binarisation threshold of the kernel map.
        margin (float): Growth of each proposal beyond the inverted shrink,
            map pixels.
        min_area (float): Smallest kernel kept, input pixels^2 (probability
            mass, so thin kernels count by their true area).
        max_proposals (int): K, per image, highest mean probability first.
        dice_smooth (float): Added to the dice loss's numerator and
            denominator, so that a batch without any cared text still
            penalises every false positive.

    Shapes:
        input: ``num_levels`` maps ``(N, in_channels, H/4/2^i, W/4/2^i)``.
        output: features ``(N, channels, H/4, W/4)``, kernel probability
        ``(N, 1, H/4, W/4)``.
    """

    stride = 4

    def __init__(self,
                 in_channels: int = 256,
                 channels: int = 128,
                 num_levels: int = 4,
                 shrink_ratio: float = 0.4,
                 bin_thr: float = 0.1,
                 margin: float = 0.15,
                 min_area: float = 4.,
                 max_proposals: int = 1000,
                 dice_smooth: float = 1.,
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
        self.bin_thr = bin_thr
        self.margin = margin
        self.min_area = min_area
        self.max_proposals = max_proposals
        self.dice_smooth = dice_smooth

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
        """Kernel coverage of the cared words, and a mask without the
        ignored ones (and words too small to keep a kernel), at the map's
        resolution, ``(N, H, W)`` each."""
        h, w = size
        gts, masks = [], []
        for ds in data_samples:
            mask = np.ones((h, w), np.float32)
            inst = ds.gt_instances
            ignored = inst.ignored.cpu().numpy() if torch.is_tensor(
                inst.ignored) else np.asarray(inst.ignored)
            kernels = []
            for poly, ign in zip(inst.polygons, ignored):
                pts = input_to_map(
                    np.asarray(poly, np.float64).reshape(-1, 2), self.stride)
                if len(pts) < 3:
                    continue
                kernel = None if ign else shrink_polygon(
                    pts, self.shrink_ratio)
                if kernel is None:
                    cv2.fillPoly(mask, [np.round(pts).astype(np.int32)], 0.)
                    continue
                kernels.append(kernel)
            gts.append(kernel_coverage(kernels, (h, w)))
            masks.append(mask)
        return (torch.from_numpy(np.stack(gts)),
                torch.from_numpy(np.stack(masks)))

    def loss(self, prob: torch.Tensor, data_samples: Sequence) -> torch.Tensor:
        """Dice loss over the whole batch (as MTS v3), ignored regions
        excluded. Batch-level sums let images without cared text (none, or
        only ``###`` after a crop) penalise their false positives; the
        smoothing keeps that true for a batch without any text."""
        gt, mask = (t.to(prob) for t in self.targets(data_samples,
                                                      prob.shape[-2:]))
        p = prob[:, 0] * mask
        g = gt * mask
        inter = (p * g).sum()
        union = (p * p).sum() + (g * g).sum()
        return 1 - (2 * inter + self.dice_smooth) / (union + self.dice_smooth)

    def proposals(self, prob: torch.Tensor) -> List[Tuple[List, List]]:
        """Per image: polygons (flat, input pixels) and their mean
        probability, at most ``max_proposals``, best first."""
        out = []
        min_area = self.min_area / self.stride**2
        for p in prob[:, 0].detach().float().cpu().numpy():
            polys, scores = kernel_proposals(p, self.shrink_ratio,
                                             self.bin_thr, self.margin,
                                             min_area)
            order = np.argsort(scores, kind='stable')[::-1]
            order = order[:self.max_proposals]
            out.append(([
                map_to_input(polys[i], self.stride).reshape(-1).astype(
                    np.float32) for i in order
            ], [scores[i] for i in order]))
        return out
