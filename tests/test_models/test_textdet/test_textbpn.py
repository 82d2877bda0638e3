"""TextBPN: shapes, targets on hand-made polygons, the point-matching loss,
proposals from a synthetic distance field, bad input, and learning."""
import numpy as np
import pytest
import torch
from mmengine.structures import InstanceData

from mmocr.registry import MODELS
from mmocr.structures import TextDetDataSample
from oclip_mmocr.models.textdet import (AdaptiveBoundaryDeformation,
                                        TextBPNModuleLoss,
                                        TextBPNPostprocessor)
from oclip_mmocr.models.textdet.layers import resample_ring, signed_area


def tiny_textbpn(stride=4):
    return MODELS.build(
        dict(
            type='TextBPN',
            backbone=dict(type='CLIPResNet', depth=50, base_channels=8,
                          norm_eval=False),
            neck=dict(type='BPNUpsampleNeck', in_channels=(32, 64, 128, 256),
                      channels=(32, 32, 32, 32), out_stride=stride),
            det_head=dict(
                type='TextBPNHead', in_channels=32, stride=stride,
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
        scale_factor=(1., 1.)))
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


@pytest.mark.parametrize('stride', [1, 4])
def test_shapes(stride):
    model = tiny_textbpn(stride)
    imgs = torch.rand(2, 3, 96, 128)
    feats = model.extract_feat(imgs)
    assert feats.shape == (2, 32, 96 // stride, 128 // stride)
    maps, nodes = model.det_head(feats)
    assert maps.shape == (2, 4, 96 // stride, 128 // stride)
    assert nodes.shape == (2, 36, 96 // stride, 128 // stride)
    assert ((maps[:, :2] >= 0) & (maps[:, :2] <= 1)).all()
    rings = torch.rand(5, 20, 2) * 20
    outs = model.det_head.deformation(nodes, rings,
                                      torch.tensor([0, 0, 1, 1, 1]))
    assert len(outs) == 3 and all(o.shape == (5, 20, 2) for o in outs)
    # Every step moves each vertex by at most the clamp and stays inside.
    clamp = model.det_head.deformation.max_offset
    assert clamp == 16. / stride
    prev = rings
    for o in outs:
        assert (o - prev).abs().max() <= clamp + 1e-5
        assert o[..., 0].max() <= 128 // stride - 1
        prev = o


def test_targets_on_hand_made_polygons():
    loss = TextBPNModuleLoss(jitter=0.)
    t = loss.get_targets([sample([RECT, CURVE, IGNORED],
                                 [False, False, True])], (128, 128), 1,
                         torch.device('cpu'))
    tr, train = t['tr_mask'][0].numpy(), t['train_mask'][0].numpy()
    dist, direc = t['dist'][0].numpy(), t['direction'][0].numpy()
    # Rectangle: inside is text, outside is not.
    assert tr[35, 60] == 1 and tr[10, 10] == 0 and tr[35, 105] == 0
    # Curved band: its middle is text, the circle's centre side is not.
    assert tr[int(120 - 50), 64] == 1 and tr[int(120 - 30), 64] == 0
    # Ignored instance: cut out of the training mask, not text.
    assert train[110, 110] == 0 and tr[110, 110] == 0 and train[35, 60] == 1
    # Distance field: 1 on the rectangle's medial line, ~0 at its edge.
    assert dist[35, 60] == pytest.approx(1., abs=0.1)
    assert dist[21, 60] < 0.2 and dist[10, 10] == 0
    # Direction: unit vectors pointing away from the nearest edge.
    assert direc[:, 35, 22] == pytest.approx([1., 0.], abs=1e-6)
    assert direc[:, 35, 98] == pytest.approx([-1., 0.], abs=1e-6)
    assert direc[:, 22, 60] == pytest.approx([0., 1.], abs=1e-6)
    assert np.linalg.norm(direc[:, tr > 0], axis=0) == pytest.approx(1.)
    # Two rings (the ignored instance has none), 20 vertices each, the
    # ground truth on the rectangle's boundary and the proposal inside it.
    assert t['gt_points'].shape == (2, 20, 2)
    assert t['inds'].tolist() == [0, 0]
    gt, prop = t['gt_points'][0].numpy(), t['proposals'][0].numpy()
    on_edge = (np.isclose(gt[:, 0], 20) | np.isclose(gt[:, 0], 100) |
               np.isclose(gt[:, 1], 20) | np.isclose(gt[:, 1], 50))
    assert on_edge.all()
    assert (prop[:, 0] > 20).all() and (prop[:, 0] < 100).all()
    assert (prop[:, 1] > 20).all() and (prop[:, 1] < 50).all()
    assert signed_area(gt) > 0 and signed_area(prop) > 0  # same winding


def test_point_matching_ignores_the_start_vertex():
    g = torch.Generator().manual_seed(0)
    gt = torch.rand(3, 20, 2, generator=g) * 50
    pred = gt + torch.randn(3, 20, 2, generator=g)
    base = TextBPNModuleLoss.point_matching(pred, gt)
    for shift in (1, 7, 19):
        rolled = torch.roll(gt, shift, dims=1)
        assert TextBPNModuleLoss.point_matching(pred, rolled) == \
            pytest.approx(float(base), rel=1e-6)
    # A perfect ring, whatever its start vertex, costs nothing...
    assert TextBPNModuleLoss.point_matching(torch.roll(gt, 5, 1), gt) == 0
    # ... and a reversed one does.
    assert TextBPNModuleLoss.point_matching(gt.flip(1), gt) > 0


def test_losses_decrease_on_a_fixed_batch():
    torch.manual_seed(0)
    model = tiny_textbpn()
    data = model.data_preprocessor(
        dict(inputs=[torch.randint(0, 255, (3, 128, 128), dtype=torch.uint8)
                     for _ in range(2)],
             data_samples=[sample([RECT, CURVE], [False, False]),
                           sample([IGNORED, RECT], [True, False])]),
        training=True)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    history = []
    for _ in range(30):
        losses = model.loss(data['inputs'], data['data_samples'])
        total = sum(losses.values())
        opt.zero_grad()
        total.backward()
        opt.step()
        history.append({k: float(v) for k, v in losses.items()})
    for k in ('loss_cls', 'loss_dist', 'loss_dir', 'loss_point'):
        assert history[-1][k] < history[0][k], k


def test_two_blobs_give_two_polygons():
    post = TextBPNPostprocessor(dist_thr=0.3, cls_thr=0.5, min_area=10)
    maps = torch.zeros(1, 4, 64, 96)
    yy, xx = torch.meshgrid(torch.arange(64.), torch.arange(96.),
                            indexing='ij')
    for cx, cy in ((20, 20), (70, 44)):
        blob = (1 - (((xx - cx) / 12)**2 + ((yy - cy) / 6)**2)).clamp(min=0)
        maps[0, 1] = torch.maximum(maps[0, 1], blob)
        maps[0, 0][blob > 0] = 0.9
    rings, inds, scores = post.get_proposals(maps, stride=2)
    assert rings.shape == (2, 20, 2) and inds.tolist() == [0, 0]
    centres = sorted(r.mean(0).tolist() for r in rings)
    assert centres[0] == pytest.approx([20, 20], abs=1.5)
    assert centres[1] == pytest.approx([70, 44], abs=1.5)
    assert scores.tolist() == pytest.approx([0.9, 0.9])
    # Low text probability or too small: no proposal.
    assert len(TextBPNPostprocessor(cls_thr=0.95).get_proposals(maps, 1)[0]
               ) == 0
    assert len(TextBPNPostprocessor(min_area=10**5).get_proposals(maps, 1)[0]
               ) == 0
    # Final polygons are flattened and rescaled to the original image.
    s = sample([], [])
    s.set_metainfo(dict(scale_factor=(2., 2.)))
    out = post([(rings.numpy() * 2, scores.numpy())], [s])[0]
    assert len(out.pred_instances.polygons) == 2
    assert out.pred_instances.polygons[0].shape == (40, )
    np.testing.assert_allclose(out.pred_instances.polygons[0],
                               rings[0].numpy().reshape(-1), rtol=1e-5)


@pytest.mark.parametrize('case', ['no_text', 'only_ignored', 'degenerate'])
def test_bad_input(case):
    """No text, only ignored text, or degenerate polygons (< 3 points, zero
    area): finite losses, no ring, and the deformation still in the graph
    with a zero point loss."""
    polys = dict(no_text=([], []),
                 only_ignored=([IGNORED], [True]),
                 degenerate=([[10, 10, 50, 50], [10, 10, 40, 10, 70, 10]],
                             [False, False]))[case]
    model = tiny_textbpn()
    data = model.data_preprocessor(
        dict(inputs=[torch.zeros(3, 64, 64, dtype=torch.uint8)],
             data_samples=[sample(*polys, size=(64, 64))]), training=True)
    losses = model.loss(data['inputs'], data['data_samples'])
    assert all(torch.isfinite(v) for v in losses.values())
    assert float(losses['loss_point']) == 0.
    sum(losses.values()).backward()
    model.eval()
    out = model.predict(data['inputs'], data['data_samples'])
    assert isinstance(out[0].pred_instances.polygons, list)


def test_resample_ring():
    square = np.array([[0, 0], [10, 0], [10, 10], [0, 10]], np.float32)
    ring = resample_ring(square[::-1], 8)  # anticlockwise in
    assert signed_area(ring) > 0  # clockwise out
    assert ring.shape == (8, 2)
    perim = np.linalg.norm(np.diff(np.vstack([ring, ring[:1]]), axis=0),
                           axis=1)
    assert perim == pytest.approx(5.)


def test_node_features_are_bilinear_samples():
    from oclip_mmocr.models.textdet.layers.boundary_deformation import \
        sample_node_features
    g = torch.Generator().manual_seed(0)
    feats = torch.rand(2, 3, 10, 12, generator=g)
    # Integer vertices are pixel centres: exact values.
    polys = torch.tensor([[[0., 0.], [11., 9.], [4., 7.]],
                          [[2., 3.], [5., 5.], [0., 9.]]])
    inds = torch.tensor([1, 0])
    out = sample_node_features(feats, polys, inds)
    assert out.shape == (2, 3, 3)
    for m in range(2):
        for p in range(3):
            x, y = polys[m, p].long().tolist()
            assert torch.allclose(out[m, :, p], feats[inds[m], :, y, x])
    # Half-way between two pixels: their mean.
    mid = sample_node_features(feats, torch.tensor([[[4.5, 2.]]]),
                               torch.tensor([0]))
    assert torch.allclose(mid[0, :, 0],
                          (feats[0, :, 2, 4] + feats[0, :, 2, 5]) / 2)
