# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from typing import List

import torch

from mmocr.models.textdet.detectors.single_stage_text_detector import \
    SingleStageTextDetector
from mmocr.registry import MODELS


@MODELS.register_module()
class TextBPN(SingleStageTextDetector):
    """TextBPN ("Adaptive Boundary Proposal Network for Arbitrary Shape Text
    Detection", ICCV 2021): trunk, :class:`BPNUpsampleNeck` and
    :class:`TextBPNHead`, through MMOCR's single-stage detector.

    Below stride 4 the neck also merges the trunk's stride-2 stem feature.
    Both trunks (MMOCR's ``CLIPResNet``, MMDetection's ``ResNet``) pass it to
    ``backbone.maxpool`` (an average pool in ``CLIPResNet``), where it is read
    with a forward pre-hook for the duration of the call: the trunk, its
    config and its checkpoint keys stay exactly MMOCR's / MMDetection's.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if getattr(self.neck, 'needs_stem', False) and not hasattr(
                self.backbone, 'maxpool'):
            raise TypeError(
                f'{type(self.neck).__name__} with out_stride '
                f'{self.neck.out_stride} merges the trunk\'s stride-2 stem '
                'feature, read at the input of backbone.maxpool, and '
                f'{type(self.backbone).__name__} has no maxpool; use a ResNet '
                'trunk or out_stride=4')

    def extract_feat(self, inputs: torch.Tensor) -> torch.Tensor:
        """``(N, 3, H, W)`` -> ``(N, C, H / stride, W / stride)``."""
        if not getattr(self.neck, 'needs_stem', False):
            return super().extract_feat(inputs)
        stem: List[torch.Tensor] = []
        handle = self.backbone.maxpool.register_forward_pre_hook(
            lambda module, args: stem.append(args[0]))
        try:
            feats = self.backbone(inputs)
        finally:
            handle.remove()
        return self.neck([stem[0], *feats])
