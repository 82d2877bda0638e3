"""The character-segmentation branch: targets that decode back, training
only where character boxes exist."""
import cv2
import numpy as np
import pytest
import torch

from oclip_mmocr.models.textspot import (decode_char_map,
                                         masked_word_features, word_axis_rois)
from oclip_mmocr.models.textspot.char_segmentation import (IGNORE,
                                                           balance_weights,
                                                           char_seg_targets)
from tests.geometry import word_box
from tests.test_models.test_textspot.test_mts import (freeze_batch_stats,
                                                     sample, tiny_spotter)

ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'


def char_boxes(cx, cy, w, h, angle, n):
    """The word ``w x h`` at ``angle`` cut into ``n`` touching character
    boxes, first character at the word's start: flat (8,) each."""
    word = word_box(cx, cy, w, h, angle)
    start, end = word[0], word[1]  # top edge, left to right
    down = word[3] - word[0]
    out = []
    for k in range(n):
        a = start + (end - start) * k / n
        b = start + (end - start) * (k + 1) / n
        out.append(np.stack([a, b, b + down, a + down]).reshape(-1))
    return word, out


def one_hot(target, num_classes):
    probs = np.zeros((num_classes, *target.shape), np.float32)
    for c in range(num_classes):
        probs[c] = target == c
    return probs


@pytest.mark.parametrize('angle', [0, 30, -60, 90])
@pytest.mark.parametrize('n,w,h', [(1, 30, 20), (4, 30, 6), (3, 45, 15),
                                   (5, 60, 12), (8, 120, 20), (12, 150, 30),
                                   (25, 300, 30)])
def test_a_map_equal_to_its_target_decodes_back(angle, n, w, h):
    model = tiny_spotter()
    roi = model.roi_head
    rng = np.random.default_rng(n * 1000 + w + angle)
    text = ''.join(rng.choice(list(ALPHABET), n))
    labels = [k + 1 for k in roi.dictionary.str2idx(text)]
    for dx in (0., 0.37):
        word, chars = char_boxes(200 + dx, 180 + dx, w, h, angle, n)
        rois = word_axis_rois([word.reshape(-1)])
        target = char_seg_targets([chars], [labels], rois,
                                  roi.char_map_size)[0]
        # Every character has cells, apart from its neighbours.
        assert set(np.unique(target)) == {0, *labels}
        probs = one_hot(target, roi.dictionary.num_classes + 1)
        read, score = decode_char_map(probs, roi._idx2char)
        assert read == text and score == 1.0, (angle, n, w, h, read)
    # Nothing above the threshold: nothing read.
    assert decode_char_map(np.eye(3)[0][:, None, None] *
                           np.ones((3, 4, 8)), roi._idx2char) == ('', 0.)


def test_targets_without_boxes_are_ignored_and_weights_balance():
    word, chars = char_boxes(100, 100, 120, 20, 0, 6)
    rois = word_axis_rois([word.reshape(-1)] * 2)
    t = char_seg_targets([None, chars], [None, [5] * 6], rois, (16, 64))
    assert (t[0] == IGNORE).all() and (t[1] != IGNORE).all()
    w = balance_weights(torch.from_numpy(t))
    assert (w[0] == 0).all()
    fg, bg = t[1] > 0, t[1] == 0
    # Characters and background weigh the same in total.
    assert float(w[1][fg].sum()) == pytest.approx(float(w[1][bg].sum()))


def _loss(model, samples):
    data = model.data_preprocessor(
        dict(inputs=[torch.full((3, 96, 160), 128, dtype=torch.uint8)] *
             len(samples), data_samples=samples), training=True)
    return model.loss(data['inputs'], data['data_samples'])


def test_char_branch_trains_only_where_boxes_exist():
    torch.manual_seed(0)
    model = tiny_spotter()
    model.roi_head.max_train_proposals = 0  # ground-truth RoIs only
    # Batch statistics would tie the images together.
    freeze_batch_stats(model)
    word, chars = char_boxes(60, 40, 80, 20, 0, 5)
    with_chars = sample([word.reshape(-1)], ['hello'], size=(96, 160))
    with_chars.gt_instances.char_polygons = [chars]
    plain = sample([word.reshape(-1)], ['hello'], size=(96, 160))
    # No boxes: zero, with every parameter of the branch in the graph and
    # no gradient reaching it.
    losses = _loss(model, [plain])
    assert float(losses['loss_char']) == 0
    model.zero_grad()
    sum(losses.values()).backward()
    grads = [p.grad for p in model.roi_head.char_head.parameters()]
    assert all(g is not None and (g == 0).all() for g in grads)
    # Boxes: a real loss, gradient in the branch.
    losses = _loss(model, [with_chars])
    assert float(losses['loss_char']) > 1
    model.zero_grad()
    losses['loss_char'].backward()
    assert any((p.grad != 0).any()
               for p in model.roi_head.char_head.parameters())
    # A mixed batch: the image without boxes adds nothing to it.
    mixed = _loss(model, [with_chars, plain])['loss_char']
    alone = _loss(model, [with_chars])['loss_char']
    torch.testing.assert_close(mixed, alone)
    # Boxes that do not match the word's characters: not used.
    wrong = sample([word.reshape(-1)], ['hell'], size=(96, 160))
    wrong.gt_instances.char_polygons = [chars]
    assert float(_loss(model, [wrong])['loss_char']) == 0
    # No character branch: no such loss.
    assert 'loss_char' not in _loss(tiny_spotter(char_head=False), [plain])


def test_char_branch_learns_to_read():
    """Trained on a few words with character boxes, the branch reads them
    back through pixel voting."""
    torch.manual_seed(0)
    model = tiny_spotter()
    roi = model.roi_head
    model.roi_head.max_train_proposals = 0
    words = [('cat', (50, 30, 60, 24, 0)), ('DOG42', (110, 70, 90, 24, 10))]
    imgs, samples, polys = [], [], []
    for text, geo in words:
        word, chars = char_boxes(*geo, len(text))
        s = sample([word.reshape(-1)], [text], size=(96, 160))
        s.gt_instances.char_polygons = [chars]
        samples.append(s)
        polys.append(word.reshape(-1).astype(np.float32))
        img = np.full((96, 160, 3), 200, np.uint8)
        cv2.putText(img, text, tuple(int(v) for v in word[3] + (2, -4)),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.6, (20, 20, 20), 2)
        imgs.append(torch.from_numpy(img.transpose(2, 0, 1).copy()))
    data = model.data_preprocessor(dict(inputs=imgs, data_samples=samples),
                                   training=True)
    params = list(model.backbone.parameters()) + list(
        model.neck.parameters()) + list(roi.char_head.parameters())
    opt = torch.optim.Adam(params, lr=3e-3)
    first = None
    for _ in range(150):
        loss = model.loss(data['inputs'], data['data_samples'])['loss_char']
        first = first or float(loss)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert float(loss) < 0.1 * first
    model.eval()
    with torch.no_grad():
        feats = model.extract_feat(data['inputs'])
        feat = masked_word_features(feats, polys, [0, 1], roi.rec_roi_size,
                                    roi.feat_stride)
        probs = roi.char_head(feat).softmax(1).numpy()
    reads = [decode_char_map(p, roi._idx2char)[0] for p in probs]
    assert reads == [t for t, _ in words]
