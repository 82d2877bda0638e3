"""What the TextBPN tests share: a tiny TextBPN, data samples, hand-made
polygons and realistic word sizes."""
import numpy as np
import torch
from mmengine.structures import InstanceData

from mmocr.registry import MODELS
from mmocr.structures import TextDetDataSample


def tiny_textbpn(stride=4, backbone=None, num_points=20):
    backbone = backbone or dict(type='CLIPResNet', depth=50, base_channels=8,
                                norm_eval=False)
    return MODELS.build(
        dict(
            type='TextBPN',
            backbone=backbone,
            neck=dict(type='BPNUpsampleNeck', in_channels=(32, 64, 128, 256),
                      channels=(32, 32, 32, 32), stem_channels=8,
                      out_stride=stride),
            det_head=dict(
                type='TextBPNHead', in_channels=32, stride=stride,
                num_points=num_points,
                deformation=dict(type='AdaptiveBoundaryDeformation',
                                 state_dim=16, gcn_dims=(32, )),
                postprocessor=dict(type='TextBPNPostprocessor',
                                   cls_thr=0.0)),
            data_preprocessor=dict(
                type='TextDetDataPreprocessor', mean=[127.5] * 3,
                std=[127.5] * 3, pad_size_divisor=32)))


def sample(polygons, ignored, size=(128, 128)):
    s = TextDetDataSample(metainfo=dict(
        img_shape=size, ori_shape=size, pad_shape=size,
        batch_input_shape=size, scale_factor=(1., 1.)))
    s.gt_instances = InstanceData(
        polygons=[np.asarray(p, np.float32) for p in polygons],
        ignored=torch.tensor(ignored, dtype=torch.bool))
    return s


RECT = [20, 20, 100, 20, 100, 50, 20, 50]
# An arc-shaped band: outer and inner arcs of a circle around (64, 120).
_t = np.linspace(np.pi * 1.15, np.pi * 1.85, 7)
CURVE = np.concatenate([
    np.stack([64 + 60 * np.cos(_t), 120 + 60 * np.sin(_t)], 1),
    np.stack([64 + 40 * np.cos(_t[::-1]), 120 + 40 * np.sin(_t[::-1])], 1)
]).reshape(-1)
IGNORED = [100, 100, 120, 100, 120, 120, 100, 120]


WORDS = [(60, 12, 0), (60, 12, 35), (120, 20, 90), (300, 30, 15),
         (45, 15, 60)]


def _perfect_maps(loss, samples):
    t = loss.get_targets(samples)
    maps = torch.zeros(len(samples), 4, *t['tr_mask'].shape[-2:])
    maps[:, 0] = t['tr_mask']
    maps[:, 1] = t['dist']
    maps[:, 2:] = t['direction']
    return maps, t
