"""AdaptiveBoundaryDeformation: node features are exact bilinear samples;
the released graph convolutions."""
import torch

from oclip_mmocr.models.textdet import AdaptiveBoundaryDeformation


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


def test_deformation_has_the_released_graph_convolutions():
    d = AdaptiveBoundaryDeformation()
    dims = [(g.fc.in_features // 2, g.fc.out_features)
            for g in d.blocks[0].gcn]
    assert dims == [(36, 256), (256, 1024), (1024, 512), (512, 128)]
