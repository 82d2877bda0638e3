# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from mmocr.models.textdet.detectors.single_stage_text_detector import \
    SingleStageTextDetector
from mmocr.registry import MODELS


@MODELS.register_module()
class TextBPN(SingleStageTextDetector):
    """TextBPN ("Adaptive Boundary Proposal Network for Arbitrary Shape Text
    Detection", ICCV 2021): trunk, :class:`BPNUpsampleNeck` and
    :class:`TextBPNHead`, through MMOCR's single-stage detector."""
