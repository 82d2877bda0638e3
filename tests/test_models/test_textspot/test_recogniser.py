"""The spotter's recognition branch (hard-masked RoI features -> MMOCR's
SAR encoder/decoder) overfits a few fixed word crops, exactly."""
import numpy as np
import pytest
import torch
from mmengine.structures import LabelData
from PIL import Image, ImageDraw, ImageFont

from mmocr.structures import TextRecogDataSample
from oclip_mmocr.models.textspot import masked_roi_features
from tests.test_models.test_textspot.test_mts import sample, tiny_spotter

WORDS = ['open', 'Hotel', 'STOP', '2024']


@pytest.mark.slow
def test_recogniser_overfits_word_crops():
    font = ImageFont.load_default(size=22)
    imgs = []
    for w in WORDS:
        im = Image.new('RGB', (128, 32), (255, 255, 255))
        ImageDraw.Draw(im).text((8, 4), w, font=font, fill=(0, 0, 0))
        imgs.append(torch.from_numpy(np.asarray(im)[..., ::-1].copy())
                    .permute(2, 0, 1))
    model = tiny_spotter()
    crop = np.array([0, 0, 128, 0, 128, 32, 0, 32], np.float32)
    data = model.data_preprocessor(
        dict(inputs=imgs,
             data_samples=[sample([crop], [w], size=(32, 128))
                           for w in WORDS]), training=True)

    def features():
        feats, _ = model.extract_feat(data['inputs'])
        return masked_roi_features(feats, [crop] * len(WORDS),
                                   list(range(len(WORDS))),
                                   model.rec_roi_size, model.spn.stride)

    def targets():
        out = []
        for w in WORDS:
            s = TextRecogDataSample()
            s.gt_text = LabelData(item=w)
            out.append(s)
        return out

    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    losses = []
    for _ in range(600):
        feat = features()
        samples = targets()
        loss = model.rec_decoder.loss(feat, model.rec_encoder(feat, samples),
                                      samples)['loss_ce']
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss))
    assert losses[-1] < 0.05 * losses[0]
    model.eval()
    with torch.no_grad():
        feat = features()
        samples = [TextRecogDataSample() for _ in WORDS]
        out = model.rec_decoder.predict(feat,
                                        model.rec_encoder(feat, samples),
                                        samples)
    assert [o.pred_text.item for o in out] == WORDS
