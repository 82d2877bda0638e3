"""TextBPNPostprocessor and the head's read-back: proposals from a
synthetic distance field, maps equal to their targets decode onto the
words at every stride (the one pixel convention)."""
import numpy as np
import pytest
import torch
from shapely.geometry import Polygon

from oclip_mmocr.models.textdet import TextBPNPostprocessor
from oclip_mmocr.models.textdet.heads import textbpn_head
from oclip_mmocr.models.textdet.layers import resample_ring
from tests.geometry import curved_band, polygon_stats, word_box
from tests.test_models.test_textdet.textbpn_helpers import (
    WORDS, _perfect_maps, sample, tiny_textbpn)


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
