"""The spotter's recognition branch reads words along their own axis
(rotated, hard-masked RoI features -> MMOCR's SAR encoder/decoder): a word
rotated by 0-90 degrees reaches it upright, and the branch learns to read
rendered words at those angles exactly."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.structures import LabelData
from PIL import Image, ImageDraw, ImageFont

from mmocr.structures import TextRecogDataSample
from oclip_mmocr.models.textspot import (masked_roi_features,
                                         masked_word_features, word_axis_rois)
from tests.test_models.test_textspot.test_mts import sample, tiny_spotter

WORDS = ['open', 'Hotel', 'STOP', '2024']
ANGLES = [0, 30, 60, 90]


def render(word: str, angle: float, size: int = 128, font_size: int = 22):
    """``word`` drawn at the centre of a ``size``-square image, rotated by
    ``angle`` degrees clockwise on screen, and its rotated box (flat)."""
    font = ImageFont.load_default(size=font_size)
    left, top, right, bottom = font.getbbox(word)
    w, h = right - left + 6, bottom - top + 6
    patch = Image.new('L', (w, h), 0)
    ImageDraw.Draw(patch).text((3 - left, 3 - top), word, font=font,
                               fill=255)
    # PIL rotates anticlockwise on screen.
    rotated = patch.rotate(-angle, resample=Image.BILINEAR, expand=True)
    img = Image.new('L', (size, size), 0)
    img.paste(rotated, ((size - rotated.width) // 2,
                        (size - rotated.height) // 2))
    t = np.deg2rad(angle)
    u, v = np.array([np.cos(t), np.sin(t)]), np.array([-np.sin(t),
                                                       np.cos(t)])
    c = np.array([(size - rotated.width) // 2 + rotated.width / 2,
                  (size - rotated.height) // 2 + rotated.height / 2])
    box = [c + sx * w / 2 * u + sy * h / 2 * v
           for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1))]
    arr = 255 - np.asarray(img)  # dark text on white
    return np.stack([arr] * 3, -1), np.asarray(box, np.float32).reshape(-1)


def _corr(a: torch.Tensor, b: torch.Tensor) -> float:
    a, b = a.flatten() - a.mean(), b.flatten() - b.mean()
    return float(a @ b / (a.norm() * b.norm() + 1e-9))


@pytest.mark.parametrize('stride', [1, 4])
def test_rotated_words_reach_the_recogniser_upright(stride):
    """On a map that is the image itself (stride 1) or its average around
    every 4th pixel (stride 4: map pixel j on input pixel 4j, the pixel
    convention), the recogniser's RoI of a word rotated by 30-90 degrees
    holds what the upright word's RoI holds (correlation > 0.85); the
    axis-aligned RoI it used to read does not (< 0.6 at 60-90 degrees)."""
    size = (8, 32)
    for word in WORDS:
        maps, boxes = [], []
        for angle in ANGLES:
            img, box = render(word, angle, size=160)
            x = torch.from_numpy(img[..., 0].astype(np.float32))[None, None]
            if stride > 1:
                x = F.avg_pool2d(x, 2 * stride - 3, stride, stride - 2,
                                 count_include_pad=False)
            maps.append(x)
            boxes.append(box)
        feats = torch.cat(maps)
        upright = masked_word_features(feats[:1], boxes[:1], [0], size,
                                       stride)
        for k, angle in enumerate(ANGLES[1:], 1):
            roi = masked_word_features(feats, [boxes[k]], [k], size, stride)
            assert _corr(roi, upright) > 0.85, (word, angle)
            if angle >= 60:
                flat = masked_roi_features(feats, [boxes[k]], [k], size,
                                           stride)
                assert _corr(flat, upright) < 0.6, (word, angle)
    # Reading direction: rightwards, or downwards for a vertical word.
    rois = word_axis_rois([render('Hotel', a)[1] for a in (0, 30, 90)])
    assert np.rad2deg(rois[:, 4]) == pytest.approx([0, 30, 90], abs=0.5)
    assert (rois[:, 2] > 2 * rois[:, 3]).all()  # length along the word


@pytest.mark.slow
def test_recogniser_reads_rotated_words():
    """Trunk + recognition branch overfit words rendered at 0, 30, 60 and 90
    degrees and read all of them exactly."""
    imgs, boxes, texts = [], [], []
    for word in WORDS:
        for angle in ANGLES:
            img, box = render(word, angle, size=96, font_size=18)
            imgs.append(torch.from_numpy(img.copy()).permute(2, 0, 1))
            boxes.append(box)
            texts.append(word)
    model = tiny_spotter()
    data = model.data_preprocessor(
        dict(inputs=imgs,
             data_samples=[sample([b], [t], size=(96, 96))
                           for b, t in zip(boxes, texts)]), training=True)
    inds = list(range(len(imgs)))

    def features():
        feats = model.extract_feat(data['inputs'])
        return masked_word_features(feats, boxes, inds,
                                    model.roi_head.rec_roi_size,
                                    model.roi_head.feat_stride)

    def targets():
        out = []
        for t in texts:
            s = TextRecogDataSample()
            s.gt_text = LabelData(item=t)
            out.append(s)
        return out

    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    losses = []
    for _ in range(500):
        feat = features()
        samples = targets()
        roi = model.roi_head
        loss = roi.rec_decoder.loss(feat, roi.rec_encoder(feat, samples),
                                    samples)['loss_ce']
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss))
    assert losses[-1] < 0.05 * losses[0]
    model.eval()
    with torch.no_grad():
        feat = features()
        samples = [TextRecogDataSample() for _ in texts]
        roi = model.roi_head
        out = roi.rec_decoder.predict(feat, roi.rec_encoder(feat, samples),
                                      samples)
    assert [o.pred_text.item for o in out] == texts
