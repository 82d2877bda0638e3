# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch

from mmocr.models.textdet.detectors.base import BaseTextDetector
from mmocr.registry import MODELS
from mmocr.structures import TextSpottingDataSample
from mmocr.utils import rescale_polygons
from oclip_mmocr.utils.polygon_repair import keep_simple_polygons
from .roi_masking import polygon_boxes

#: Parameter prefixes of the spotter before it followed the two-stage
#: contract (SPN fusion inside the head, RoI heads at the top level).
OLD_LAYOUT_PREFIXES = ('spn.', 'score_head.', 'mask_head.', 'rec_encoder.',
                       'rec_decoder.')


class OldSpotterCheckpointError(RuntimeError):
    pass


@MODELS.register_module()
class MTSSpotter(BaseTextDetector):
    """A Mask-TextSpotter-v3-style end-to-end spotter on MMOCR's two-stage
    pattern (as MMOCR's ``projects/ABCNet`` ``TwoStageTextSpotter``),
    re-implemented from the paper (see docs/spotter.md):

    trunk -> neck (MMOCR's ``FPNC``: FPN levels fused at 1/4 scale) ->
    ``det_head`` (:class:`SPNHead`, a ``BaseTextDetHead``: the segmentation
    proposal network, its loss and its polygon proposals) -> ``roi_head``
    (:class:`MTSRoIHead`: hard RoI masking, score/box, mask, character
    segmentation and recognition, with their losses).

    ``loss()`` is the detection head's losses plus the RoI head's, the RoI
    head training on the detection head's (detached) proposals; ``predict()``
    runs both and rescales the output polygons to the original image.

    Args:
        backbone, neck, det_head, roi_head (dict): Module configs.
        data_preprocessor (dict, optional): MMOCR's
            ``TextDetDataPreprocessor``.
    """

    def __init__(self,
                 backbone: Dict,
                 neck: Dict,
                 det_head: Dict,
                 roi_head: Dict,
                 data_preprocessor: Optional[Dict] = None,
                 init_cfg=None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.neck = MODELS.build(neck)
        self.det_head = MODELS.build(det_head)
        self.roi_head = MODELS.build(roi_head)

    @property
    def dictionary(self):
        return self.roi_head.dictionary

    def extract_feat(self, inputs: torch.Tensor) -> torch.Tensor:
        """``(N, 3, H, W)`` -> fused features ``(N, C, H/4, W/4)``."""
        return self.neck(self.backbone(inputs))

    def _forward(self, inputs: torch.Tensor, data_samples=None):
        """Fused features and the kernel probability ``(N, 1, H/4, W/4)``."""
        feats = self.extract_feat(inputs)
        return feats, self.det_head(feats, data_samples)

    def loss(self, inputs: torch.Tensor, data_samples: Sequence) -> Dict:
        feats = self.extract_feat(inputs)
        losses, data_samples = self.det_head.loss_and_predict(
            feats, data_samples)
        losses.update(self.roi_head.loss(feats, data_samples))
        return losses

    def predict(self, inputs: torch.Tensor,
                data_samples: Sequence) -> List[TextSpottingDataSample]:
        feats = self.extract_feat(inputs)
        data_samples = self.det_head.predict(feats, data_samples)
        outputs = self.roi_head.predict(feats, data_samples)
        results = []
        for ds, inst in zip(data_samples, outputs):
            out = TextSpottingDataSample(metainfo=ds.metainfo)
            if 'gt_instances' in ds:
                out.gt_instances = ds.gt_instances
            if len(inst.polygons) and \
                    ds.metainfo.get('scale_factor') is not None:
                inst.polygons = rescale_polygons(
                    inst.polygons, np.asarray(ds.scale_factor), mode='div')
            inst = keep_simple_polygons(inst)
            # Boxes too: MMOCR's text-spotting visualizer draws them.
            inst.bboxes = torch.from_numpy(polygon_boxes(list(inst.polygons)))
            out.pred_instances = inst
            results.append(out)
        return results

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        old = sorted({
            k[len(prefix):].split('.')[0] for k in state_dict
            if k.startswith(prefix) and k[len(prefix):].startswith(
                OLD_LAYOUT_PREFIXES)
        })
        if old:
            raise OldSpotterCheckpointError(
                'This MTSSpotter checkpoint has the layout before the '
                f'two-stage rebuild (top-level {", ".join(old)}): its SPN '
                "fused MMDet FPN levels itself, the neck is now MMOCR's FPNC, "
                'so its weights do not carry over; retrain it '
                '(docs/spotter.md, "Old checkpoints").')
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)
