"""TextBPN: shapes, targets on hand-made polygons, the point-matching loss,
proposals from a synthetic distance field, the pixel convention at every
stride, dense and tiny text, bad input, and learning."""
import numpy as np
import pytest
import torch
from mmengine.structures import InstanceData
from shapely.geometry import Polygon

from mmocr.models.textdet.module_losses.base import BaseTextDetModuleLoss
from mmocr.registry import MODELS
from mmocr.structures import TextDetDataSample
from oclip_mmocr.models.textdet import (AdaptiveBoundaryDeformation,
                                        TextBPNModuleLoss,
                                        TextBPNPostprocessor)
from oclip_mmocr.models.textdet.heads import textbpn_head
from oclip_mmocr.models.textdet.layers import resample_ring, signed_area
from tests.geometry import curved_band, polygon_stats, word_box


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


@pytest.mark.parametrize('stride', [1, 2, 4])
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
                                 [False, False, True])])
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


def test_module_loss_follows_mmocr_contract():
    """``TextBPNModuleLoss`` is an MMOCR ``BaseTextDetModuleLoss``:
    ``get_targets(data_samples)`` and ``forward(preds, data_samples)``; the
    head's shortcut (targets passed in) gives the same losses."""
    model = tiny_textbpn(stride=4)
    loss = model.det_head.module_loss
    assert isinstance(loss, BaseTextDetModuleLoss) and loss.stride == 4
    data = model.data_preprocessor(
        dict(inputs=[torch.randint(0, 255, (3, 128, 128), dtype=torch.uint8)],
             data_samples=[sample([RECT, CURVE], [False, False])]),
        training=True)
    x = model.extract_feat(data['inputs'])
    maps, nodes = model.det_head(x)
    targets = loss.get_targets(data['data_samples'])
    assert targets['tr_mask'].shape[-2:] == maps.shape[-2:]
    rings = model.det_head.deformation(nodes, targets['proposals'],
                                       targets['inds'])
    given = loss((maps, rings), data['data_samples'], targets=targets)
    rebuilt = loss((maps, rings), data['data_samples'])
    for k in given:  # only the (unused here) proposals are random
        assert float(given[k]) == pytest.approx(float(rebuilt[k]), rel=1e-6)


WORDS = [(60, 12, 0), (60, 12, 35), (120, 20, 90), (300, 30, 15),
         (45, 15, 60)]


def _perfect_maps(loss, samples):
    t = loss.get_targets(samples)
    maps = torch.zeros(len(samples), 4, *t['tr_mask'].shape[-2:])
    maps[:, 0] = t['tr_mask']
    maps[:, 1] = t['dist']
    maps[:, 2:] = t['direction']
    return maps, t


@pytest.mark.parametrize('stride', [1, 2, 4])
def test_maps_equal_to_their_targets_decode_to_the_words(stride):
    """One pixel convention (map pixel j on input pixel stride * j):

    - the ground-truth rings the point loss trains towards, read back the way
      the head reads its rings, are the words' own outlines (< 0.5 px);
    - decoding maps equal to their targets, with a deformation that does
      not move (its last layer zeroed), proposes each word's core (the word
      shrunk by 0.3 of its inner distance, the distance threshold, as a
      ring): inside
      the word and centred on that core (mean centroid offset over
      sub-pixel positions < 0.5 px for straight words; the old
      ``(x + .5) * s - .5`` read-back was off by (s - 1) / 2 px). For the
      curved word the ring's chords move its centroid depending on the
      start vertex, so there the check is the overlap with the core
      (IoU > 0.8).
    """
    # 64-vertex rings: 20 vertices cut a long word's corners by up to half
    # their spacing, moving its centroid by ~1 px wherever the ring starts.
    model = tiny_textbpn(stride, num_points=64).eval()
    head = model.det_head
    for block in head.deformation.blocks:
        torch.nn.init.zeros_(block.head[-1].weight)
        torch.nn.init.zeros_(block.head[-1].bias)
    head.postprocessor.min_area = 50  # the 60x12 core at stride 4
    offsets = {i: [] for i in range(len(WORDS) + 1)}
    # Sub-pixel positions on a stratified 4 x 4 grid of one map pixel.
    grid = (np.arange(4) + 0.5) / 4 * stride
    for dx, dy in [(x, y) for x in grid for y in grid]:
        size = (320, 480)
        polys = []
        for i, (w, h, a) in enumerate(WORDS):
            cx, cy = 60 + 85 * i + dx, 60 + dy
            polys.append(word_box(cx, cy, w, h, a) if w < 300 else
                         word_box(240 + dx, 200 + dy, w, h, a))
        polys.append(curved_band(240 + dx, 420 + dy, 150, 24))
        heights = [h for _, h, _ in WORDS] + [24]
        s = sample([p.reshape(-1) for p in polys], [False] * len(polys),
                   size=size)
        maps, t = _perfect_maps(head.module_loss, [s])
        # 1. Ring targets, read back as the head reads rings.
        rings = textbpn_head.map_to_input(t['gt_points'], stride).numpy()
        assert len(rings) == len(polys)
        for ring, poly in zip(rings, polys):
            np.testing.assert_allclose(ring, resample_ring(poly, 64),
                                       atol=1e-3)
        # 2. Proposals from perfect maps, decoded as predict decodes.
        nodes = torch.cat([torch.rand(1, 32, *maps.shape[-2:]), maps], 1)
        with torch.no_grad():
            out = head.decode(maps, nodes, [s])[0].pred_instances.polygons
        assert len(out) == len(polys)
        for i, poly in enumerate(polys):
            stats = [polygon_stats(o, poly) for o in out]
            j = int(np.argmax([st[1] for st in stats]))
            # The shrunk core: (nearly) all inside its word.
            inside = stats[j][0] / stats[j][1] - stats[j][0] + 1
            assert stats[j][0] > 0.2 and inside > 0.95, (i, stats[j])
            core = Polygon(poly).buffer(-0.3 * heights[i] / 2,
                                        join_style=2)
            core = resample_ring(np.asarray(core.exterior.coords)[:-1], 64)
            _, iou, offset = polygon_stats(out[j], core)
            assert i < len(WORDS) or iou > 0.8, iou
            offsets[i].append(offset)
    for i, off in list(offsets.items())[:len(WORDS)]:
        bias = np.abs(np.mean(off, 0))
        assert (bias < 0.5).all(), (i, bias)


def test_dense_images_keep_every_word_in_the_maps():
    """100 words: all are text in the maps; only the rings are capped."""
    loss = TextBPNModuleLoss(stride=4, max_rings=64)
    polys = [word_box(20 + 46 * (k % 10), 16 + 40 * (k // 10), 40, 16)
             for k in range(100)]
    s = sample([p.reshape(-1) for p in polys], [False] * 100,
               size=(416, 480))
    t = loss.get_targets([s])
    tr = t['tr_mask'][0].numpy()
    for p in polys:  # every centre (map pixel) is text
        cx, cy = np.round(p.mean(0) / 4).astype(int)
        assert tr[cy, cx] == 1
    assert t['gt_points'].shape[0] == 64 and t['proposals'].shape[0] == 64
    # The capped rings are a subset of the words, each once.
    centres = np.round(t['gt_points'].numpy().mean(1) * 4)
    words = np.round(np.stack([p.mean(0) for p in polys]))
    hits = [np.nonzero(np.abs(words - c).max(1) <= 1)[0] for c in centres]
    assert all(len(h) == 1 for h in hits)
    assert len({int(h[0]) for h in hits}) == 64


@pytest.mark.parametrize('stride', [1, 2, 4])
def test_words_too_small_to_propose_are_ignored(stride):
    """The released rule: a word whose largest inner distance, drawn at
    input resolution as cv2 draws it, is under 4 px (words up to ~5 px tall,
    here 24x4) is cut out of the training mask and gets no ring; a 60x12
    word is text. The same at every stride and sub-pixel position."""
    loss = TextBPNModuleLoss(stride=stride)
    for dx in np.linspace(0, stride, 4, endpoint=False):
        small = word_box(40 + dx, 40 + dx, 24, 4)
        big = word_box(100 + dx, 80 + dx, 60, 12)
        t = loss.get_targets([sample([small.reshape(-1), big.reshape(-1)],
                                     [False, False])])
        assert t['gt_points'].shape[0] == 1
        c_small = np.round(small.mean(0) / stride).astype(int)
        c_big = np.round(big.mean(0) / stride).astype(int)
        train, tr = t['train_mask'][0].numpy(), t['tr_mask'][0].numpy()
        assert train[c_small[1], c_small[0]] == 0 and tr[c_small[1],
                                                         c_small[0]] == 0
        assert train[c_big[1], c_big[0]] == 1 and tr[c_big[1], c_big[0]] == 1


@pytest.mark.parametrize('trunk', ['CLIPResNet', 'mmdet.ResNet'])
def test_stride1_map_merges_the_stem(trunk):
    """Below stride 4 the neck merges the trunk's stride-2 stem (as the
    released network does), for both trunks of the twins."""
    backbone = dict(type=trunk, depth=50, base_channels=8, norm_eval=False)
    model = tiny_textbpn(1, backbone).eval()
    assert hasattr(model.neck, 'merge1')
    assert not hasattr(tiny_textbpn(4).neck, 'merge1')
    x = torch.rand(1, 3, 64, 96)
    b = model.backbone
    with torch.no_grad():
        stem = b.stem(x) if b.deep_stem else b.relu(b.norm1(b.conv1(x)))
        assert stem.shape == (1, 8, 32, 48)
        expected = model.neck([stem, *b(x)])
        assert torch.equal(model.extract_feat(x), expected)
        # The stem really reaches the map.
        other = model.neck([stem + 1, *b(x)])
        assert not torch.allclose(expected, other)
    # The hook is gone after the call.
    assert not b.maxpool._forward_pre_hooks


def test_deformation_has_the_released_graph_convolutions():
    d = AdaptiveBoundaryDeformation()
    dims = [(g.fc.in_features // 2, g.fc.out_features)
            for g in d.blocks[0].gcn]
    assert dims == [(36, 256), (256, 1024), (1024, 512), (512, 128)]
