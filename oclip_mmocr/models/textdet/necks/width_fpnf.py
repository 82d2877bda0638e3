# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from typing import Dict, List, Optional, Union

from mmcv.cnn import ConvModule
from mmocr.models.textdet.necks import FPNF
from mmocr.registry import MODELS


@MODELS.register_module()
class WidthFPNF(FPNF):
    """MMOCR's :class:`FPNF` (PSENet's neck) at any width.

    MMOCR's class sizes its fusion convolution for 256-channel levels
    (1024 inputs after concatenating four, 256 when adding), whatever
    ``out_channels`` is, so a narrower PSENet cannot be configured. Here the
    fusion takes ``out_channels x levels`` (concat) or ``out_channels``
    (add) inputs; at ``out_channels=256`` with four levels it is MMOCR's
    layer, same shapes and keys.

    Args:
        in_channels (list[int]): Channels of each input level.
        out_channels (int): Channels of every level and of the output.
        fusion_type (str): ``'concat'`` or ``'add'``.
        init_cfg (dict or list[dict], optional): As :class:`FPNF`.
    """

    def __init__(self,
                 in_channels: List[int] = [256, 512, 1024, 2048],
                 out_channels: int = 256,
                 fusion_type: str = 'concat',
                 init_cfg: Optional[Union[Dict, List[Dict]]] = dict(
                     type='Xavier', layer='Conv2d',
                     distribution='uniform')) -> None:
        super().__init__(in_channels, out_channels, fusion_type, init_cfg)
        fused = out_channels * len(in_channels) \
            if fusion_type == 'concat' else out_channels
        self.output_convs = ConvModule(
            fused,
            out_channels,
            3,
            padding=1,
            conv_cfg=None,
            norm_cfg=dict(type='BN'),
            act_cfg=dict(type='ReLU'),
            inplace=False)
