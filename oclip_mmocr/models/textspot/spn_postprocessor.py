# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
import numpy as np
import torch
from mmengine.structures import InstanceData

from mmocr.models.textdet.postprocessors import BaseTextDetPostProcessor
from mmocr.registry import MODELS
from ..layers.pixel_grid import map_to_input
from .text_kernels import kernel_proposals


@MODELS.register_module()
class SPNPostprocessor(BaseTextDetPostProcessor):
    """Polygon proposals from the SPN's kernel map: each connected kernel
    expanded by the exact inverse of the shrink (:func:`kernel_proposals`),
    so a map equal to its own target proposes each word itself. The
    proposals stay in input pixels (``rescale_fields`` empty): the RoI head
    reads them on the feature map; the spotter rescales its final output.

    Args:
        shrink_ratio (float): The ``r`` the targets were shrunk with (0.4).
        bin_thr (float): Binarisation threshold of the map (MTS v3's 0.1;
            kernels thinner than a map pixel have a coverage well under 0.5).
        margin (float): Growth beyond the inverted shrink, map pixels (0.15:
            0.6 px at stride 4, so that proposals still cover the word when
            the kernel's outline is off by rasterisation).
        min_area (float): Smallest kernel kept, input pixels^2 (probability
            mass, so thin kernels count by their true area).
        max_proposals (int): Per image, highest mean probability first
            (1000, MTS v3).
        stride (int): Input pixels per map pixel.

    Output: ``pred_instances`` with ``polygons`` (flat float32, input
    pixels) and ``scores`` ``(K,)``.
    """

    def __init__(self,
                 shrink_ratio: float = 0.4,
                 bin_thr: float = 0.1,
                 margin: float = 0.15,
                 min_area: float = 4.,
                 max_proposals: int = 1000,
                 stride: int = 4,
                 **kwargs) -> None:
        kwargs.setdefault('rescale_fields', [])
        super().__init__(**kwargs)
        self.shrink_ratio = shrink_ratio
        self.bin_thr = bin_thr
        self.margin = margin
        self.min_area = min_area
        self.max_proposals = max_proposals
        self.stride = stride

    def get_text_instances(self, pred_results: torch.Tensor, data_sample,
                           **kwargs):
        """``pred_results``: one image's map ``(1, H, W)``."""
        prob = pred_results[0].detach().float().cpu().numpy()
        polys, scores = kernel_proposals(prob, self.shrink_ratio,
                                         self.bin_thr, self.margin,
                                         self.min_area / self.stride**2)
        order = np.argsort(scores, kind='stable')[::-1][:self.max_proposals]
        data_sample.pred_instances = InstanceData(
            polygons=[
                map_to_input(polys[i], self.stride).reshape(-1).astype(
                    np.float32) for i in order
            ],
            scores=torch.tensor([scores[i] for i in order],
                                dtype=torch.float32))
        return data_sample
