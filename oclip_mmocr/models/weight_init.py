# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from typing import Optional

import torch.nn as nn
from mmengine.logging import print_log

from mmocr.registry import WEIGHT_INITIALIZERS
from ..utils.backbone_io import load_backbone_strict


@WEIGHT_INITIALIZERS.register_module(name='StrictPretrained')
class StrictPretrainedInit:
    """Initialise a module from a checkpoint, refusing any mismatch.

    A drop-in for MMEngine's ``Pretrained`` initialiser
    (``init_cfg=dict(type='StrictPretrained', checkpoint=...)``), which only
    *warns* on missing or unexpected keys. Here any missing, unexpected or
    wrongly shaped key stops the run with the full list.

    Args:
        checkpoint (str): A backbone file (``backbone.pth`` from
            :class:`ExportBackboneHook` or ``tools/export_backbone.py``) or
            any checkpoint together with ``prefix``.
        prefix (str, optional): Load only the keys under this prefix
            (stripped), e.g. ``'image_encoder.backbone.'`` for a full oCLIP
            checkpoint.
    """

    def __init__(self, checkpoint: str, prefix: Optional[str] = None) -> None:
        self.checkpoint = checkpoint
        self.prefix = prefix

    def __call__(self, module: nn.Module) -> None:
        load_backbone_strict(module, self.checkpoint, self.prefix)
        print_log(
            f'{type(module).__name__}: loaded every key of {self.checkpoint}'
            ' strictly',
            logger='current')

    def _get_init_info(self) -> str:
        return f'{type(self).__name__}: load from {self.checkpoint}'
