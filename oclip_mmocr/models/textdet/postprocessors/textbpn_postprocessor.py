# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from typing import List, Sequence, Tuple

import cv2
import numpy as np
import torch
from mmengine.structures import InstanceData
from scipy import ndimage

from mmocr.models.textdet.postprocessors.base import BaseTextDetPostProcessor
from mmocr.registry import MODELS
from mmocr.structures import TextDetDataSample
from ..layers.polygon_sampling import mask_ring
from .simple_polygon_postprocessors import SimplePolygonsMixin


@MODELS.register_module()
class TextBPNPostprocessor(SimplePolygonsMixin, BaseTextDetPostProcessor):
    """Boundary proposals from the predicted maps, and the final polygons.

    :meth:`get_proposals` (before the deformation): threshold the distance
    field (normalised by its maximum), fill holes, take 8-connected
    components, drop those smaller than ``min_area`` input pixels or whose
    mean text probability is below ``cls_thr``, and sample ``num_points``
    contour vertices per component. The mean probability is the score.

    :meth:`get_text_instances` (after it): the refined rings, already in
    input pixels, become ``pred_instances.polygons`` (flattened) and
    ``scores``; ``rescale_fields`` maps them back to the original image.
    A ring that crosses itself is repaired (its largest simple part) and
    one with no area left is dropped (:class:`SimplePolygonsMixin`).

    Args:
        num_points (int): Vertices per proposal.
        dist_thr (float): Threshold on the normalised distance field.
        cls_thr (float): Minimum mean text probability of a region.
        min_area (float): Minimum region area in input pixels.
        text_repr_type (str): ``'poly'``, or ``'quad'`` for the minimum
            rotated rectangle (ICDAR2015).
    """

    def __init__(self,
                 num_points: int = 20,
                 dist_thr: float = 0.3,
                 cls_thr: float = 0.8,
                 min_area: float = 150.,
                 text_repr_type: str = 'poly',
                 rescale_fields: Sequence[str] = ('polygons', ),
                 **kwargs) -> None:
        super().__init__(
            text_repr_type=text_repr_type,
            rescale_fields=list(rescale_fields),
            **kwargs)
        self.num_points = num_points
        self.dist_thr = dist_thr
        self.cls_thr = cls_thr
        self.min_area = min_area

    def get_proposals(self, maps: torch.Tensor, stride: int
                      ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """
        Args:
            maps: ``(N, 4, H, W)`` head output (probability, distance, ...).
            stride: Input pixels per map pixel.

        Returns:
            tuple: rings ``(M, P, 2)`` in map pixels, image indices ``(M,)``
            and scores ``(M,)``.
        """
        cls = maps[:, 0].detach().float().cpu().numpy()
        dist = maps[:, 1].detach().float().cpu().numpy()
        min_area = self.min_area / stride**2
        rings, inds, scores = [], [], []
        for b, (c, d) in enumerate(zip(cls, dist)):
            peak = d.max()
            if peak <= 0:
                continue
            core = ndimage.binary_fill_holes(d / peak > self.dist_thr)
            n, labels = cv2.connectedComponents(
                core.astype(np.uint8), connectivity=8)
            for k in range(1, n):
                region = labels == k
                if region.sum() < min_area:
                    continue
                score = float(c[region].mean())
                if score < self.cls_thr:
                    continue
                ring = mask_ring(region, self.num_points)
                if ring is None:
                    continue
                rings.append(ring)
                inds.append(b)
                scores.append(score)
        device = maps.device
        if not rings:
            return (maps.new_zeros((0, self.num_points, 2)),
                    torch.zeros(0, dtype=torch.long, device=device),
                    maps.new_zeros(0))
        return (torch.from_numpy(np.stack(rings)).to(device),
                torch.as_tensor(inds, dtype=torch.long, device=device),
                torch.as_tensor(scores, dtype=torch.float32, device=device))

    def split_results(self, pred_results: List) -> List:
        # Already one (rings, scores) pair per image (see TextBPNHead).
        return pred_results

    def get_text_instances(self, pred_results: Tuple[np.ndarray, np.ndarray],
                           data_sample: TextDetDataSample,
                           **kwargs) -> TextDetDataSample:
        rings, scores = pred_results
        polygons = []
        for ring in rings:
            if self.text_repr_type == 'quad':
                ring = cv2.boxPoints(cv2.minAreaRect(
                    ring.astype(np.float32)))
            polygons.append(np.asarray(ring, np.float32).reshape(-1))
        data_sample.pred_instances = InstanceData(
            polygons=polygons,
            scores=torch.as_tensor(np.asarray(scores, np.float32)))
        return data_sample
