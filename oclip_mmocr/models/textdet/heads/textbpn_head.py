# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from typing import Dict, Optional, Sequence, Tuple

import torch
import torch.nn as nn

from mmocr.models.textdet.heads import BaseTextDetHead
from mmocr.registry import MODELS
from ...layers.pixel_grid import map_to_input


@MODELS.register_module()
class TextBPNHead(BaseTextDetHead):
    """TextBPN's boundary proposal head and adaptive boundary deformation.

    Dilated convolutions predict four maps from the neck's features:
    text-region probability and normalised distance field (sigmoid), and a
    2-channel direction field. Concatenated with the features they form the
    node feature map that :class:`AdaptiveBoundaryDeformation` samples at
    proposal vertices. Training proposals come from the ground truth (see
    :class:`TextBPNModuleLoss`), inference proposals from the predicted maps
    (see :class:`TextBPNPostprocessor`).

    Args:
        in_channels (int): Neck output channels (32 in the paper).
        stride (int): Input pixels per map pixel (the neck's ``out_stride``).
        deformation (dict): :class:`AdaptiveBoundaryDeformation` config; its
            ``in_channels`` is set to ``in_channels + 4``.
        module_loss, postprocessor (dict): See the classes above.

    Shapes:
        input: ``(N, in_channels, H, W)``.
        maps: ``(N, 4, H, W)``; node features ``(N, in_channels + 4, H, W)``.
    """

    def __init__(self,
                 in_channels: int = 32,
                 stride: int = 1,
                 num_points: int = 20,
                 deformation: Dict = dict(
                     type='AdaptiveBoundaryDeformation'),
                 module_loss: Dict = dict(type='TextBPNModuleLoss'),
                 postprocessor: Dict = dict(type='TextBPNPostprocessor'),
                 init_cfg: Optional[Dict] = None) -> None:
        module_loss = dict(module_loss, num_points=num_points, stride=stride)
        postprocessor = dict(postprocessor, num_points=num_points)
        super().__init__(
            module_loss=module_loss,
            postprocessor=postprocessor,
            init_cfg=init_cfg)
        self.stride = stride
        self.maps = nn.Sequential(
            nn.Conv2d(in_channels, 16, 3, padding=2, dilation=2), nn.PReLU(),
            nn.Conv2d(16, 16, 3, padding=4, dilation=4), nn.PReLU(),
            nn.Conv2d(16, 4, 1))
        self.deformation = MODELS.build(
            dict(
                deformation,
                in_channels=in_channels + 4,
                num_points=num_points,
                # Offsets are clamped in map pixels.
                max_offset=deformation.get('max_offset', 16.) / stride))

    def forward(self, x: torch.Tensor,
                data_samples=None) -> Tuple[torch.Tensor, torch.Tensor]:
        raw = self.maps(x)
        maps = torch.cat([raw[:, :2].sigmoid(), raw[:, 2:]], 1)
        return maps, torch.cat([x, maps], 1)

    def loss(self, x: torch.Tensor, data_samples: Sequence) -> Dict:
        maps, nodes = self(x)
        # The deformation needs the training proposals, which come with the
        # targets: build them once and hand them to the loss.
        targets = self.module_loss.get_targets(data_samples)
        rings = self.deformation(nodes,
                                 targets['proposals'].to(nodes.device),
                                 targets['inds'].to(nodes.device))
        return self.module_loss((maps, rings), data_samples, targets=targets)

    def predict(self, x: torch.Tensor, data_samples: Sequence) -> Sequence:
        maps, nodes = self(x)
        return self.decode(maps, nodes, data_samples)

    def decode(self, maps: torch.Tensor, nodes: torch.Tensor,
               data_samples: Sequence) -> Sequence:
        """Proposals from ``maps`` ``(N, 4, H, W)``, deformed on ``nodes``
        ``(N, C + 4, H, W)``, read back in input pixels, per image."""
        proposals, inds, scores = self.postprocessor.get_proposals(
            maps, self.stride)
        rings = map_to_input(self.deformation(nodes, proposals, inds)[-1],
                             self.stride)
        per_image = []
        for b in range(len(data_samples)):
            keep = inds == b
            per_image.append((rings[keep].detach().cpu().numpy(),
                              scores[keep].cpu().numpy()))
        return self.postprocessor(per_image, data_samples)

    def loss_and_predict(self, x, data_samples):
        raise NotImplementedError('TextBPN trains with ground-truth '
                                  'proposals; call loss() and predict()')
