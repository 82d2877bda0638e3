"""TextBPN (detectors/textbpn.py with its neck and head): the shape of every
map at every stride, the stem in the stride-1 map for both trunks, all
losses decreasing on a fixed batch, bad input."""
import pytest
import torch

from tests.test_models.test_textdet.textbpn_helpers import (
    CURVE, IGNORED, RECT, sample, tiny_textbpn)


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
