import json

import numpy as np
import pytest
import scipy.io

from oclip_mmocr.datasets.converters import (convert_lsvt_weak,
                                             convert_synthtext,
                                             write_dict_file)
from oclip_mmocr.models import OCLIPDictionary


def _synthtext_mat(path, mismatch=False):
    """A gt.mat in SynthText's layout: 1xN cells of names, boxes, texts."""
    names = np.empty((1, 2), dtype=object)
    names[0, 0] = np.array(['8/ballet_106_0.jpg'])
    names[0, 1] = np.array(['8/ballet_106_1.jpg'])
    boxes = np.empty((1, 2), dtype=object)
    bb0 = np.zeros((2, 4, 3))
    for j in range(3):
        bb0[0, :, j] = [10 + j, 50 + j, 50 + j, 10 + j]  # x of 4 corners
        bb0[1, :, j] = [5, 5, 20, 20]  # y
    boxes[0, 0] = bb0
    boxes[0, 1] = np.array([[1., 9., 9., 1.], [2., 2., 8., 8.]])  # 1 word
    txts = np.empty((1, 2), dtype=object)
    txts[0, 0] = np.array(['Lines ', 'of\n text'] if not mismatch
                          else ['only two'], dtype=object)
    txts[0, 1] = np.array(['alone'], dtype=object)
    scipy.io.savemat(path, dict(imnames=names, wordBB=boxes, txt=txts,
                                charBB=boxes))


def test_synthtext(tmp_path):
    path = str(tmp_path / 'gt.mat')
    _synthtext_mat(path)
    ann = convert_synthtext(path, img_prefix='imgs')
    assert [d['img_path'] for d in ann['data_list']] == [
        'imgs/8/ballet_106_0.jpg', 'imgs/8/ballet_106_1.jpg']
    first = ann['data_list'][0]['instances']
    assert [i['text'] for i in first] == ['Lines', 'of', 'text']
    assert first[1]['polygon'] == [11, 5, 51, 5, 51, 20, 11, 20]
    assert first[1]['bbox'] == [11, 5, 51, 20]
    assert ann['data_list'][1]['instances'][0]['text'] == 'alone'
    assert ann['metainfo']['task_name'] == 'textdet'
    assert len(convert_synthtext(path, limit=1)['data_list']) == 1


def test_synthtext_errors(tmp_path):
    path = str(tmp_path / 'gt.mat')
    _synthtext_mat(path, mismatch=True)
    with pytest.raises(ValueError, match='ballet_106_0.jpg has 2 words'):
        convert_synthtext(path)
    bad = tmp_path / 'bad.mat'
    bad.write_bytes(b'garbage')
    with pytest.raises(ValueError, match='bad.mat'):
        convert_synthtext(str(bad))


def test_lsvt_weak(tmp_path):
    labels = {
        'gt_30000': [{'transcription': '一站式 购物'}],
        'gt_30001': [{'transcription': '中心'}, {'transcription': '###'},
                     {'transcription': 'A'}],
    }
    path = tmp_path / 'train_weak_labels.json'
    path.write_text(json.dumps(labels, ensure_ascii=False), encoding='utf-8')
    ann, chars = convert_lsvt_weak(str(path))
    assert ann['data_list'][0] == dict(
        img_path='train_weak_images/gt_30000.jpg',
        instances=[dict(text='一站式购物')])
    assert [i['text'] for i in ann['data_list'][1]['instances']] == [
        '中心', 'A']
    assert chars == list('一站式购物中心A')
    ann2, _ = convert_lsvt_weak(str(path), min_len=2)
    assert [i['text'] for i in ann2['data_list'][1]['instances']] == ['中心']
    dict_file = tmp_path / 'dict.txt'
    write_dict_file(chars, str(dict_file))
    d = OCLIPDictionary(dict_file=str(dict_file))
    assert d.num_classes == len(chars) + 3
    assert d.check_word('一站式购物') is None
    path.write_text('{"gt_1": [{"points": []}]}')
    with pytest.raises(ValueError, match='without "transcription"'):
        convert_lsvt_weak(str(path))
