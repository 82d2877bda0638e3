"""MTS-style spotter: hard RoI masking, SPN proposals, the two-stage
contract, bad input."""
import numpy as np
import pytest
import torch
from mmcv.ops import roi_align
from mmengine.structures import InstanceData

from mmocr.registry import MODELS
from mmocr.structures import TextDetDataSample
from mmocr.utils import poly_iou, polys2shapely
from oclip_mmocr.models.textspot import (masked_roi_features, polygon_boxes,
                                         polygon_roi_masks)
from tests.helpers import REPO
from tests.geometry import curved_band, polygon_stats, word_box

C = 32


def tiny_spotter(with_unknown=True, char_head=True, reader='sar',
                 rec_neck=False):
    """A narrow spotter; ``reader``: 'sar' (MMOCR's ParallelSARDecoder) or
    'ctc' (MMOCR's CRNNDecoder on height-pooled features); ``rec_neck``:
    the readers' RoIConvTower."""
    dictionary = dict(
        type='Dictionary',
        dict_file=f'{REPO}/dicts/english_digits_symbols.txt',
        with_start=True, with_end=True, same_start_end=True,
        with_padding=True, with_unknown=with_unknown)
    readers = dict(
        sar=dict(
            rec_encoder=dict(type='SAREncoder', in_channels=C, d_model=C,
                             d_enc=C),
            rec_decoder=dict(
                type='ParallelSARDecoder', in_channels=C, d_model=C,
                d_enc=C, d_k=16, max_seq_len=12, dictionary=dictionary,
                module_loss=dict(type='CEModuleLoss', ignore_first_char=True,
                                 reduction='mean'),
                postprocessor=dict(type='AttentionPostprocessor'))),
        ctc=dict(
            rec_encoder=None,
            rec_pool_height=True,
            rec_decoder=dict(
                type='CRNNDecoder', in_channels=C, rnn_flag=True,
                dictionary=dict(
                    type='Dictionary',
                    dict_file=f'{REPO}/dicts/english_digits_symbols.txt',
                    with_padding=True, with_unknown=with_unknown),
                module_loss=dict(type='CTCModuleLoss',
                                 letter_case='unchanged'),
                postprocessor=dict(type='CTCPostProcessor'))))
    return MODELS.build(
        dict(
            type='MTSSpotter',
            backbone=dict(type='CLIPResNet', depth=50, base_channels=8,
                          norm_eval=False),
            neck=dict(type='FPNC', in_channels=[32, 64, 128, 256],
                      lateral_channels=C, out_channels=C // 4,
                      conv_after_concat=True),
            det_head=dict(type='SPNHead', in_channels=C),
            roi_head=dict(
                type='MTSRoIHead',
                score_head=dict(type='BoxScoreHead', in_channels=C,
                                channels=C),
                mask_head=dict(type='TextMaskHead', in_channels=C,
                               channels=C),
                char_head=dict(type='CharSegHead', in_channels=C,
                               channels=C) if char_head else None,
                rec_neck=dict(type='RoIConvTower', in_channels=C,
                              channels=C, num_convs=2) if rec_neck else None,
                **readers[reader]),
            data_preprocessor=dict(
                type='TextDetDataPreprocessor', mean=[127.5] * 3,
                std=[127.5] * 3, pad_size_divisor=32)))


def freeze_batch_stats(model):
    """Training mode with fixed BatchNorm statistics, so that a loss does
    not depend on which images share the batch, nor on the call."""
    model.train()
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.eval()
    return model


def spn_parts():
    """The SPN's loss and postprocessor as the default config builds them."""
    return (MODELS.build(dict(type='SPNModuleLoss')),
            MODELS.build(dict(type='SPNPostprocessor')))


def proposals(post, prob):
    """Per image: (polygons, scores) the SPN proposes from ``prob``."""
    out = post(prob, [TextDetDataSample() for _ in range(len(prob))])
    return [(list(ds.pred_instances.polygons),
             ds.pred_instances.scores.tolist()) for ds in out]


def sample(polygons, texts, ignored=None, size=(128, 128)):
    s = TextDetDataSample(metainfo=dict(
        img_shape=size, ori_shape=size, pad_shape=size,
        scale_factor=(1., 1.)))
    s.gt_instances = InstanceData(
        polygons=[np.asarray(p, np.float32) for p in polygons],
        texts=list(texts),
        ignored=torch.tensor(ignored or [False] * len(polygons),
                             dtype=torch.bool))
    return s


def test_roi_masking_zeroes_outside_the_polygon():
    # Feature value = 1000 * channel + 10 * y + x: every cell is traceable.
    h, w = 16, 24
    ys, xs = torch.meshgrid(torch.arange(h), torch.arange(w), indexing='ij')
    feats = torch.stack([10. * ys + xs, 1000 + 10. * ys + xs])[None]
    # A triangle inside the box (4, 2)-(20, 14), stride 1, RoI grid = box
    # cells, so each RoI cell is exactly one pixel wide.
    tri = np.array([4, 2, 20, 2, 4, 14], np.float32)
    out = masked_roi_features(feats, [tri], [0], (12, 16), stride=1)
    assert out.shape == (1, 2, 12, 16)
    mask = polygon_roi_masks([tri], np.array([[4, 2, 20, 14]], np.float32),
                             (12, 16))[0]
    # Inside: the RoIAlign value (aligned=False: feature j on input j),
    # untouched; outside: exactly zero.
    ref = roi_align(feats, torch.tensor([[0., 4, 2, 20, 14]]), (12, 16), 1.,
                    2, 'avg', False)
    assert torch.equal(out[0][:, mask > 0], ref[0][:, mask > 0])
    assert (out[0][:, mask == 0] == 0).all()
    # The mask is the triangle: cell (r, c) centre (4 + c + .5, 2 + r + .5)
    # lies inside when (c + .5) / 16 + (r + .5) / 12 < 1.
    rr, cc = np.mgrid[0:12, 0:16]
    expected = (cc + .5) / 16 + (rr + .5) / 12 < 1
    np.testing.assert_array_equal(mask > 0, expected)
    # One pixel convention: a cell centred on input pixel (x, y) reads
    # feature pixel (x, y) at stride 1 and (x / 4, y / 4) at stride 4. Boxes
    # on half-pixel edges put the cell centres on whole pixels.
    box = np.array([3.5, 1.5, 19.5, 13.5], np.float32)
    rect = np.array([3.5, 1.5, 19.5, 1.5, 19.5, 13.5, 3.5, 13.5], np.float32)
    out = masked_roi_features(feats, [rect], [0], (12, 16), stride=1)
    assert out[0, :, 0, 0].tolist() == pytest.approx([24., 1024.])
    assert out[0, :, 1, 5].tolist() == pytest.approx([39., 1039.])
    big = masked_roi_features(feats, [rect * 4], [0], (12, 16), stride=4,
                              boxes=box[None] * 4)
    assert torch.allclose(big, out)


def test_spn_proposals_from_a_probability_map():
    loss, post = spn_parts()
    prob = torch.zeros(1, 1, 32, 48)
    gts = [np.array([8, 8, 88, 8, 88, 40, 8, 40], np.float32),
           np.array([100, 80, 180, 80, 180, 112, 100, 112], np.float32)]
    # The SPN's own target for these words: their kernels' coverage.
    target, _ = loss.get_targets([sample(gts, ['a', 'b'])], (32, 48))
    prob[0, 0] = target[0]
    (polys, scores), = proposals(post, prob)
    assert len(polys) == 2 and scores[0] > 0.5
    shapes = polys2shapely(polys)
    for gt in polys2shapely(gts):
        assert max(poly_iou(gt, s) for s in shapes) > 0.85
    assert proposals(post, torch.zeros(1, 1, 32, 48))[0] == ([], [])
    # Without a size, the targets take the padded batch's.
    s = sample(gts, ['a', 'b'])
    s.set_metainfo(dict(batch_input_shape=(128, 192)))
    torch.testing.assert_close(loss.get_targets([s])[0], target)


def _spn_decode_stats(words, offsets):
    """Per word: coverage, IoU and centroid offset of its best proposal from
    a map equal to the SPN's own target, at each sub-pixel offset."""
    loss, post = spn_parts()
    stats = {i: [] for i in range(len(words))}
    for dx, dy in offsets:
        polys = [word_box(cx + dx, cy + dy, w, h, a)
                 if h else curved_band(cx + dx, cy + dy, w, 20)
                 for cx, cy, w, h, a in words]
        size = (160, 256)
        target, _ = loss.get_targets(
            [sample([p.reshape(-1) for p in polys], ['w'] * len(polys))],
            size)
        (props, _), = proposals(post, target[:, None])
        for i, poly in enumerate(polys):
            best = max((polygon_stats(p, poly) for p in props),
                       key=lambda st: st[1], default=(0., 0., None))
            stats[i].append(best)
    return stats


@pytest.mark.parametrize('angle', [0, 30, 90])
def test_spn_targets_decode_back_to_the_words(angle):
    """A kernel map equal to its own target gives back every word:

    - found at every sub-pixel position (a one-row kernel is kept: the old
      contour-area filter dropped 30x6 and 60x12 words at 1-2 of 4 offsets);
    - centred: mean centroid offset over a stratified grid of sub-pixel
      positions < 0.5 input px (the old ``(x + .5) * 4`` read-back: +2 px);
    - covering it: for 30 px tall words of aspect ratio 2..15, >= 95% of
      the word with IoU >= 0.8 at every position (DBNet's unclip 1.5 covered
      65-80% of long words); for every size >= 80% (a 6 px tall word's
      kernel is a quarter of a stride-4 pixel thick, so its exact height is
      not in the map).
    """
    big = [(60, 30), (150, 30), (300, 30), (450, 30)]
    small = [(30, 6), (60, 12), (24, 12), (45, 15), (120, 12)]
    words = []
    for k, (w, h) in enumerate(big + small):
        words.append((512, 320, w, h, angle) if k < len(big) else
                     (96 + 160 * (k - len(big)), 560, w, h, angle))
    grid = (np.arange(4) + 0.5)
    offsets = [(x, y) for x in grid for y in grid]
    for k, word in enumerate(words):  # one word per image: no overlaps
        stats = _spn_decode_stats([word], offsets)[0]
        w, h = word[2:4]
        assert all(st[2] is not None for st in stats), (w, h)
        cover = np.array([st[0] for st in stats])
        iou = np.array([st[1] for st in stats])
        bias = np.abs(np.mean([st[2] for st in stats], 0))
        assert (bias < 0.5).all(), (w, h, bias)
        assert cover.min() >= 0.8, (w, h, cover.min())
        if h == 30:
            assert cover.min() >= 0.95 and iou.min() >= 0.8, (w, h, cover,
                                                                iou)


def test_spn_curved_word_decodes_back():
    grid = (np.arange(4) + 0.5)
    stats = _spn_decode_stats([(512, 480, 200, 0, 0)],
                              [(x, y) for x in grid for y in grid])[0]
    assert min(st[0] for st in stats) >= 0.93
    assert min(st[1] for st in stats) >= 0.8


def test_spn_loss_penalises_false_positives_without_text():
    """Batch-level dice: an image without cared text (none, or only ``###``
    after a crop) still pushes its false positives down, alone or beside an
    image with text; per-image dice gave it exactly zero gradient."""
    loss, _ = spn_parts()
    words = [np.array([8, 8, 88, 8, 88, 40, 8, 40], np.float32)]
    texted = sample(words, ['word'])
    empty = sample([], [])
    only_ignored = sample(words, ['###'], ignored=[True])
    for batch in ([texted, empty], [texted, only_ignored], [empty],
                  [only_ignored, empty]):
        prob = torch.full((len(batch), 1, 32, 48), 0.3, requires_grad=True)
        loss(prob, batch)['loss_spn'].backward()
        for b, ds in enumerate(batch):
            if ds is texted:
                continue
            grad = prob.grad[b, 0]
            if ds is only_ignored:  # the ignored word itself is masked out
                grad = grad[20:, 30:]
            assert (grad > 0).all(), b  # lowering p lowers the loss


def test_mask_equal_to_its_target_decodes_to_the_word():
    """The mask head's target marks RoI cells whose centre is inside the
    word; read back, a mask equal to it outlines the word (IoU > 0.9,
    centroid within 0.5 px). The contour through the cell centres alone
    lost half a cell per side: 4.7 px at each end of a 300 px word."""
    model = tiny_spotter()
    size = tuple(2 * s for s in model.roi_head.det_roi_size)
    for w, h, angle in [(300, 30, 0), (150, 30, 10), (60, 12, 0),
                        (120, 20, 90), (80, 16, 30)]:
        offs = []
        for dx in (0., 0.3, 0.7):
            word = word_box(400 + dx, 300 + dx, w, h, angle)
            box = polygon_boxes([word.reshape(-1)])[0]
            target = polygon_roi_masks([word.reshape(-1)], box[None],
                                       size)[0]
            logits = np.where(target > 0, 10., -10.)
            poly = model.roi_head._mask_polygon(logits, box, None)
            _, iou, off = polygon_stats(poly, word)
            assert iou > 0.9, (w, h, angle, iou)
            offs.append(off)
        assert (np.abs(np.mean(offs, 0)) < 0.5).all(), (w, h, angle, offs)


@pytest.mark.parametrize('reader', ['sar', 'ctc'])
@pytest.mark.parametrize('case', ['no_text', 'empty_text', 'oov'])
def test_bad_input(case, reader):
    """No text: detection losses only; empty / '###' transcriptions: the
    instance trains detection but not recognition; characters outside the
    dictionary: <UKN> with an unknown token, else left out of recognition.
    All losses finite, every parameter in the graph (distributed training
    needs it), with either reader and the readers' tower."""
    box = [10, 10, 90, 10, 90, 40, 10, 40]
    polys, texts = dict(no_text=([], []), empty_text=([box], ['']),
                        oov=([box], ['naïve€']))[case]
    for with_unknown in (True, False):
        model = tiny_spotter(with_unknown, reader=reader, rec_neck=True)
        data = model.data_preprocessor(
            dict(inputs=[torch.zeros(3, 64, 128, dtype=torch.uint8)],
                 data_samples=[sample(polys, texts, size=(64, 128))]),
            training=True)
        losses = model.loss(data['inputs'], data['data_samples'])
        assert all(torch.isfinite(v) for v in losses.values()), losses
        rec_used = case == 'oov' and with_unknown
        assert (float(losses['loss_rec']) > 0) == rec_used
        sum(losses.values()).backward()
        no_grad = [n for n, p in model.named_parameters() if p.grad is None]
        assert not no_grad, no_grad
    model.eval()
    with torch.no_grad():
        out = model.predict(data['inputs'], data['data_samples'])[0]
    assert len(out.pred_instances.texts) == len(out.pred_instances.polygons)


def test_outputs_are_text_spotting_samples(tmp_path):
    from mmocr.registry import VISUALIZERS
    model = tiny_spotter().eval()
    # random weights: still propose something
    model.det_head.postprocessor.bin_thr = 0.3
    s = sample([[10, 10, 90, 10, 90, 40, 10, 40]], ['hello'])
    s.gt_instances.bboxes = torch.tensor([[10., 10, 90, 40]])
    img = torch.randint(0, 255, (3, 128, 128), dtype=torch.uint8)
    data = model.data_preprocessor(dict(inputs=[img], data_samples=[s]))
    with torch.no_grad():
        out = model.predict(data['inputs'], data['data_samples'])[0]
    assert type(out).__name__ == 'TextSpottingDataSample'
    pred = out.pred_instances
    n = len(pred.polygons)
    assert n > 0
    assert len(pred.texts) == len(pred.scores) == len(pred.text_scores) == n
    assert pred.bboxes.shape == (n, 4)
    vis = VISUALIZERS.build(
        dict(type='TextSpottingLocalVisualizer', name='spot_test'))
    vis.add_datasample('x', img.permute(1, 2, 0).numpy(), out,
                       out_file=str(tmp_path / 'vis.png'))
    assert (tmp_path / 'vis.png').stat().st_size > 0


def test_box_refinement_targets_round_trip():
    """The spotter codes box refinement with MMDet's DeltaXYWHBBoxCoder
    (built from config) and its RoI losses are registered ones."""
    model = tiny_spotter()
    coder = model.roi_head.bbox_coder
    assert type(coder).__name__ == 'DeltaXYWHBBoxCoder'
    assert type(model.roi_head.loss_box).__name__ == 'SmoothL1Loss'
    props = torch.tensor([[10, 10, 50, 30], [0, 0, 8, 4]], dtype=torch.float)
    gts = torch.tensor([[12, 8, 55, 31], [1, 0, 9, 5]], dtype=torch.float)
    deltas = coder.encode(props, gts)
    # centre offset / size and log size ratio, over the stds 0.1, 0.2.
    assert deltas[0, 0].item() == pytest.approx((33.5 - 30) / 40 / 0.1)
    assert deltas[0, 2].item() == pytest.approx(np.log(43 / 40) / 0.2)
    torch.testing.assert_close(coder.decode(props, deltas), gts, atol=1e-4,
                               rtol=0)
    # A fresh head proposes no change: the decoded box is the proposal.
    head = MODELS.build(dict(type='BoxScoreHead', in_channels=C, channels=C))
    logits, d = head(torch.rand(2, C, 16, 16))
    assert logits.shape == (2, ) and d.shape == (2, 4)
    assert (d == 0).all()
    torch.testing.assert_close(coder.decode(props, d), props)


def test_reads_ground_truth_words_for_the_recognition_check():
    """predict() also reads each usable ground-truth word (scaled from
    original to input pixels), None for the others, and GTRecognitionMetric
    scores exactly those readings."""
    from mmocr.registry import METRICS
    model = tiny_spotter(with_unknown=False).eval()
    words = [[20, 20, 180, 20, 180, 60, 20, 60],  # original pixels
             [20, 100, 120, 100, 120, 140, 20, 140],
             [130, 100, 190, 100, 190, 140, 130, 140],
             [20, 160, 100, 160, 100, 190, 20, 190]]
    s = sample(words, ['hello', '###', 'ok', 'über'],
               ignored=[False, True, False, False], size=(100, 100))
    s.set_metainfo(dict(scale_factor=(0.5, 0.5)))
    img = torch.randint(0, 255, (3, 100, 100), dtype=torch.uint8)
    data = model.data_preprocessor(dict(inputs=[img], data_samples=[s]))
    with torch.no_grad():
        out = model.predict(data['inputs'], data['data_samples'])[0]
        feats = model.extract_feat(data['inputs'])
        direct, _ = model.roi_head.read_words(
            feats, [np.asarray(words[0], np.float32) * 0.5,
                    np.asarray(words[2], np.float32) * 0.5], [0, 0])
    reads = out.gt_instances.read_texts
    # '###' (ignored) and 'über' (no 'ü' in the dictionary, no unknown
    # token) are not asked; the others are read at input scale.
    assert reads[1] is None and reads[3] is None
    assert [reads[0], reads[2]] == direct
    metric = METRICS.build(dict(type='GTRecognitionMetric'))
    gt = out.gt_instances
    gt.read_texts = ['HELLO', None, 'oc', None]
    metric.process({}, [dict(gt_instances=dict(
        texts=gt.texts, read_texts=gt.read_texts))])
    res = metric.evaluate(1)
    # char_acc: 1 - normalised edit distance, case-insensitive: (1 + 1/2) / 2
    assert res == {'gt_rec/word_acc': 0.5, 'gt_rec/word_acc_exact': 0.0,
                   'gt_rec/char_acc': 0.75, 'gt_rec/num_words': 2.0}
    # Turned off: no reading.
    model.roi_head.read_gt = False
    s2 = sample(words[:1], ['hello'], size=(100, 100))
    data = model.data_preprocessor(dict(inputs=[img], data_samples=[s2]))
    with torch.no_grad():
        out = model.predict(data['inputs'], data['data_samples'])[0]
    assert 'read_texts' not in out.gt_instances
    # Inference on an image without annotations (empty gt_instances).
    model.roi_head.read_gt = True
    s3 = TextDetDataSample(metainfo=dict(
        img_shape=(100, 100), ori_shape=(100, 100), scale_factor=(1., 1.)))
    s3.gt_instances = InstanceData()
    data = model.data_preprocessor(dict(inputs=[img], data_samples=[s3]))
    with torch.no_grad():
        out = model.predict(data['inputs'], data['data_samples'])[0]
    assert 'read_texts' not in out.gt_instances


def test_two_stage_contract():
    """MMOCR's pattern: a BaseTextDetector whose loss is its detection
    head's (a BaseTextDetHead with its module loss and postprocessor) plus
    one RoI head's, each part built from config."""
    from mmocr.models.textdet.detectors.base import BaseTextDetector
    from mmocr.models.textdet.heads import BaseTextDetHead
    from mmocr.models.textdet.module_losses.base import BaseTextDetModuleLoss
    from mmocr.models.textdet.postprocessors import BaseTextDetPostProcessor
    torch.manual_seed(0)
    model = tiny_spotter()
    assert isinstance(model, BaseTextDetector)
    assert isinstance(model.det_head, BaseTextDetHead)
    assert isinstance(model.det_head.module_loss, BaseTextDetModuleLoss)
    assert isinstance(model.det_head.postprocessor, BaseTextDetPostProcessor)
    assert type(model.neck).__name__ == 'FPNC'
    assert type(model.det_head.module_loss.loss_kernel).__name__ == \
        'BatchDiceLoss'
    freeze_batch_stats(model)  # the pieces below see the same maps
    word = [10, 10, 90, 10, 90, 40, 10, 40]
    s = sample([word], ['hello'], size=(64, 128))
    data = model.data_preprocessor(
        dict(inputs=[torch.randint(0, 255, (3, 64, 128),
                                   dtype=torch.uint8)],
             data_samples=[s]), training=True)
    losses = model.loss(data['inputs'], data['data_samples'])
    assert set(losses) == {'loss_spn', 'loss_score', 'loss_box',
                           'loss_mask', 'loss_rec', 'loss_char'}
    feats = model.extract_feat(data['inputs'])
    assert feats.shape == (1, C, 16, 32)
    det, samples = model.det_head.loss_and_predict(feats,
                                                   data['data_samples'])
    assert 'pred_instances' in samples[0]
    roi = model.roi_head.loss(feats, samples)
    for k, v in {**det, **roi}.items():
        torch.testing.assert_close(losses[k], v)
    # 'tensor' mode: the fused features and the kernel map.
    f, prob = model(data['inputs'], mode='tensor')
    assert prob.shape == (1, 1, 16, 32) and 0 <= prob.min() <= prob.max() <= 1


def test_old_checkpoints_are_refused_by_name(tmp_path):
    from mmengine.runner import load_checkpoint
    from oclip_mmocr.models.textspot import OldSpotterCheckpointError
    model = tiny_spotter()
    state = {'spn.fuse.0.weight': torch.zeros(1),
             'rec_decoder.embedding.weight': torch.zeros(1),
             'backbone.conv1.weight': torch.zeros(1)}
    path = str(tmp_path / 'old.pth')
    torch.save({'state_dict': state}, path)
    with pytest.raises(OldSpotterCheckpointError,
                       match='rec_decoder, spn.*retrain'):
        load_checkpoint(model, path, strict=False)
    # The current layout round-trips strictly.
    path = str(tmp_path / 'new.pth')
    torch.save({'state_dict': model.state_dict()}, path)
    load_checkpoint(tiny_spotter(), path, strict=True)
    # Before the readers' tower: refused by name, even non-strictly.
    towered = tiny_spotter(rec_neck=True)
    with pytest.raises(OldSpotterCheckpointError, match='rec_neck'):
        load_checkpoint(towered, path, strict=False)
    path = str(tmp_path / 'tower.pth')
    torch.save({'state_dict': towered.state_dict()}, path)
    load_checkpoint(tiny_spotter(rec_neck=True), path, strict=True)
    # Another dictionary (94 + 4 classes here, 36 + 3 in the configs).
    state = towered.state_dict()
    w = state['roi_head.char_head.logits.weight']
    state['roi_head.char_head.logits.weight'] = w[:40]
    torch.save({'state_dict': state}, path)
    with pytest.raises(OldSpotterCheckpointError, match='40 character'):
        load_checkpoint(tiny_spotter(rec_neck=True), path, strict=False)
    # A trunk-only checkpoint still loads into a spotter.
    path = str(tmp_path / 'trunk.pth')
    torch.save({'state_dict': {k: v for k, v in model.state_dict().items()
                               if k.startswith('backbone.')}}, path)
    load_checkpoint(tiny_spotter(rec_neck=True), path, strict=False)


def test_cells_inside_is_exact_point_in_polygon():
    """The RoI masks' rasterisation marks exactly the cells whose centre is
    inside, for convex, concave, rotated and partly outside polygons (cells
    within 1/256 of an edge not checked). OpenCV's fillPoly, tried first,
    also marks cells an edge merely crosses."""
    from shapely.geometry import Point, Polygon
    from oclip_mmocr.models.textspot.roi_masking import cells_inside
    rng = np.random.default_rng(0)
    h, w = 16, 32
    centres = [(r, c, Point(c + .5, r + .5)) for r in range(h)
               for c in range(w)]
    shapes = [word_box(16.3, 8.1, 25, 7, 20), word_box(30, 2, 20, 9, -35),
              curved_band(16, 30, 22, 6, arc=100),
              np.array([[2, 2], [30, 3], [16, 8], [29, 14], [1, 13.7]])]
    shapes += [rng.uniform(-4, [w + 4, h + 4], (5, 2)) for _ in range(5)]
    checked = 0
    for pts in shapes:
        poly = Polygon(pts)
        if not poly.is_valid:
            continue
        got = cells_inside(pts, (h, w))
        for r, c, p in centres:
            if poly.exterior.distance(p) < 1 / 256:
                continue
            assert got[r, c] == poly.contains(p), (pts, r, c)
            checked += 1
    assert checked > 4 * h * w
    assert not cells_inside(np.zeros((2, 2)), (h, w)).any()
