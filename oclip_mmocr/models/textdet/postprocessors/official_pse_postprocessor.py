# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""PSENet decoding with the official code's instance filter.

MMOCR's :class:`PSEPostprocessor` keeps an instance when its area *or* its
mean text score passes (``not (area >= min or score > thr)`` skips), so a
score threshold of 0.87 removes almost nothing once instances have 16 map
pixels. The official code (whai362/PSENet ``models/head/psenet_head.py``,
``get_results``) drops an instance when its area is below ``min_area``
*or* its mean score is below ``min_score``: it keeps only instances that
pass both. The official Total-Text recipe (``min_score=0.87``) depends on
that rule.
"""
from typing import Optional

import cv2
import numpy as np
import torch
from mmcv.ops import contour_expand
from mmengine.structures import InstanceData

from mmocr.registry import MODELS
from mmocr.structures import TextDetDataSample
from .simple_polygon_postprocessors import ValidPSEPostprocessor


@MODELS.register_module()
class OfficialPSEPostprocessor(ValidPSEPostprocessor):
    """:class:`ValidPSEPostprocessor` keeping an instance only when its area
    and its mean text score both pass, as the official PSENet does.

    Areas are counted on the head's output map (stride
    ``1 / downsample_ratio``); the official code counts them on the map
    upsampled to the input, so its ``min_area`` of 16 input pixels is
    ``16 * downsample_ratio ** 2`` here (:meth:`from_input_area`).

    Args:
        score_threshold (float): Minimum mean text score of an instance
            (official ``min_score``). Defaults to 0.87 (Total-Text).
        min_text_area (int): Minimum instance area in map pixels.
        min_kernel_area (int): Minimum kernel area in map pixels (the
            official ``pse(kernels, min_area)`` prunes kernels too).
        **kwargs: See :class:`PSEPostprocessor`.
    """

    def __init__(self,
                 score_threshold: float = 0.87,
                 min_text_area: int = 1,
                 min_kernel_area: int = 1,
                 **kwargs) -> None:
        super().__init__(
            score_threshold=score_threshold,
            min_text_area=min_text_area,
            min_kernel_area=min_kernel_area,
            **kwargs)

    @staticmethod
    def from_input_area(input_area: float,
                        downsample_ratio: float = 0.25) -> int:
        """Map pixels covering ``input_area`` input pixels (at least 1)."""
        return max(1, int(round(input_area * downsample_ratio**2)))

    def get_text_instances(self, pred_results: torch.Tensor,
                           data_sample: TextDetDataSample,
                           **kwargs) -> TextDetDataSample:
        """
        Args:
            pred_results (Tensor): ``(K, H, W)`` logits: text map then
                kernels, at the head's stride.
            data_sample (TextDetDataSample): The image's sample.

        Returns:
            TextDetDataSample: ``pred_instances.polygons`` / ``scores`` of
            the instances that pass both tests; ``scale_factor`` divided by
            the stride, as MMOCR's post-processors leave it.
        """
        assert pred_results.dim() == 3
        probs = torch.sigmoid(pred_results)
        masks = probs > self.min_kernel_confidence
        text_mask = masks[0]
        kernels = (masks * text_mask).cpu().numpy().astype(np.uint8)
        score = probs[0].cpu().numpy().astype(np.float32)

        region_num, labels = cv2.connectedComponents(
            kernels[-1], connectivity=4)
        labels = np.array(
            contour_expand(kernels, labels, self.min_kernel_area, region_num))
        polygons, scores = [], []
        for i in range(1, int(labels.max(initial=0)) + 1):
            inside = labels == i
            area = int(inside.sum())
            if area < self.min_text_area:
                continue
            score_i = float(score[inside].mean())
            if score_i < self.score_threshold:
                continue
            points = np.stack(np.nonzero(inside), axis=1)[:, ::-1]
            polygon = self._points2boundary(points)
            if polygon:
                polygons.append(polygon)
                scores.append(score_i)

        pred_instances = InstanceData()
        pred_instances.polygons = polygons
        pred_instances.scores = torch.FloatTensor(scores)
        data_sample.pred_instances = pred_instances
        scale_factor: Optional[tuple] = data_sample.scale_factor
        data_sample.set_metainfo(
            dict(scale_factor=tuple(f * self.downsample_ratio
                                    for f in scale_factor)))
        return data_sample
