"""TextSpotRandomCrop: MMOCR's fixed-size text crop with transcriptions
kept on their words and cut words ignored."""
import numpy as np
from mmocr.datasets.transforms import TextDetRandomCrop

from oclip_mmocr.datasets.transforms import TextSpotRandomCrop

WORDS = {  # text -> axis-aligned box (x0, y0, x1, y1)
    'alpha': (10, 10, 60, 30),
    'beta': (150, 150, 190, 170),
    'gamma': (80, 50, 130, 70),
    'delta': (20, 120, 70, 140),
}


def _results():
    polys = [np.array([x0, y0, x1, y0, x1, y1, x0, y1], np.float32)
             for x0, y0, x1, y1 in WORDS.values()]
    return dict(img=np.zeros((200, 200, 3), np.uint8), gt_polygons=polys,
                gt_bboxes=np.zeros((4, 4), np.float32),
                gt_bboxes_labels=np.zeros(4, np.int64),
                gt_ignored=np.zeros(4, bool), gt_texts=list(WORDS))


def test_texts_follow_their_words_and_cut_words_are_ignored():
    np.random.seed(0)
    crop = TextSpotRandomCrop(target_size=(100, 100))
    seen_cut = seen_whole = 0
    for _ in range(60):
        out = crop(_results())
        assert len(out['gt_texts']) == len(out['gt_polygons']) == len(
            out['gt_ignored']) == len(out['gt_bboxes_labels'])
        for text, poly, ign in zip(out['gt_texts'], out['gt_polygons'],
                                   out['gt_ignored']):
            assert poly.dtype == np.float32
            p = poly.reshape(-1, 2)
            bx0, by0, bx1, by1 = WORDS[text]
            w, h = p[:, 0].ptp(), p[:, 1].ptp()
            kept = w * h / ((bx1 - bx0) * (by1 - by0))
            whole = kept >= 0.95
            # A word is ignored exactly when the window cut more than 5%.
            assert ign == (not whole), (text, w, h, ign)
            seen_cut += not whole
            seen_whole += whole
    assert seen_cut and seen_whole


def test_mmocr_crop_misaligns_texts_which_is_why_this_exists():
    np.random.seed(1)
    crop = TextDetRandomCrop(target_size=(100, 100))
    for _ in range(60):
        out = crop(_results())
        if len(out['gt_polygons']) < len(WORDS):
            assert len(out['gt_texts']) == len(WORDS)  # not filtered
            return
    raise AssertionError('no crop dropped a word')
