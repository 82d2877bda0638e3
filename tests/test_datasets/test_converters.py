import json

import cv2
import numpy as np
import pytest
import scipy.io

from oclip_mmocr.datasets.converters import (convert_lsvt_full,
                                             convert_lsvt_weak,
                                             convert_synthtext,
                                             write_dict_file)
from oclip_mmocr.models import OCLIPDictionary


def _synthtext_mat(path, mismatch=False, extra_chars=0):
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
    # One box per character, in word order: 'Lines' 'of' 'text', 'alone'.
    chars = np.empty((1, 2), dtype=object)
    for i, n in enumerate((11, 5)):
        cb = np.zeros((2, 4, n + extra_chars * (i == 0)))
        for k in range(cb.shape[2]):
            cb[0, :, k] = [100 + 10 * k, 108 + 10 * k, 108 + 10 * k,
                           100 + 10 * k]
            cb[1, :, k] = [40, 40, 52, 52]
        chars[0, i] = cb
    scipy.io.savemat(path, dict(imnames=names, wordBB=boxes, txt=txts,
                                charBB=chars))


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
    # Character boxes, split among the words in order.
    assert [len(i['char_polygons']) for i in first] == [5, 2, 4]
    assert first[1]['char_polygons'][0] == [150, 40, 158, 40, 158, 52, 150,
                                            52]  # the 6th box: 'o' of 'of'
    assert len(ann['data_list'][1]['instances'][0]['char_polygons']) == 5
    plain = convert_synthtext(path, with_chars=False)
    assert 'char_polygons' not in plain['data_list'][0]['instances'][0]


def test_synthtext_character_count_mismatch_names_the_image(tmp_path):
    path = str(tmp_path / 'gt.mat')
    _synthtext_mat(path, extra_chars=1)
    with pytest.raises(ValueError, match='ballet_106_0.jpg has 11 '
                       r'characters but charBB of shape \(2, 4, 12\)'):
        convert_synthtext(path)
    assert len(convert_synthtext(path, with_chars=False)['data_list']) == 2


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


def _lsvt_full_fixture(tmp_path, n=5):
    """train_full_labels.json in the released format, images split over the
    two released folders."""
    labels = {}
    for i in range(n):
        labels[f'gt_{i}'] = [
            dict(transcription='中国银行', illegibility=False,
                 points=[[10, 10], [60, 12], [60, 30], [10, 28]]),
            dict(transcription='###', illegibility=True,
                 points=[[70, 10], [90, 10], [90, 20], [70, 20]]),
            # Curved text: more than four points.
            dict(transcription='欢迎光临', illegibility=False,
                 points=[[5, 40], [30, 35], [60, 35], [90, 40], [90, 55],
                         [60, 50], [30, 50], [5, 55]]),
        ]
        folder = tmp_path / f'train_full_images_{i % 2}'
        folder.mkdir(exist_ok=True)
        cv2.imwrite(str(folder / f'gt_{i}.jpg'),
                    np.full((60, 100 + i, 3), 128, np.uint8))
    labels['gt_4'].append(
        dict(transcription='x', illegibility=False, points=[[1, 1], [2, 2]]))
    path = tmp_path / 'train_full_labels.json'
    path.write_text(json.dumps(labels, ensure_ascii=False), encoding='utf-8')
    return path


def test_lsvt_full(tmp_path):
    path = _lsvt_full_fixture(tmp_path)
    train, test, counts = convert_lsvt_full(str(path), str(tmp_path),
                                            val_size=2)
    assert [d['img_path'] for d in train['data_list']] == [
        'train_full_images_0/gt_0.jpg', 'train_full_images_1/gt_1.jpg',
        'train_full_images_0/gt_2.jpg'
    ]
    assert [d['img_path'] for d in test['data_list']] == [
        'train_full_images_1/gt_3.jpg', 'train_full_images_0/gt_4.jpg'
    ]
    first = train['data_list'][1]
    assert (first['height'], first['width']) == (60, 101)
    inst = first['instances']
    assert [i['ignore'] for i in inst] == [False, True, False]
    assert inst[0]['polygon'] == [10, 10, 60, 12, 60, 30, 10, 28]
    assert inst[0]['bbox'] == [10, 10, 60, 30]
    assert len(inst[2]['polygon']) == 16 and inst[2]['text'] == '欢迎光临'
    # The 2-point instance is kept, as ignored: nothing silently lost.
    assert test['data_list'][1]['instances'][-1]['ignore'] is True
    assert counts == dict(images=5, instances=16, ignored=6, degenerate=1)
    # MMOCR's own dataset reads the result.
    from mmocr.datasets import OCRDataset
    (tmp_path / 'textdet_train.json').write_text(
        json.dumps(train, ensure_ascii=False), encoding='utf-8')
    ds = OCRDataset(data_root=str(tmp_path), ann_file='textdet_train.json',
                    pipeline=[])
    assert len(ds) == 3 and len(ds[0]['instances']) == 3


def test_lsvt_full_errors(tmp_path):
    path = _lsvt_full_fixture(tmp_path)
    (tmp_path / 'train_full_images_1' / 'gt_3.jpg').unlink()
    with pytest.raises(FileNotFoundError, match='1 images .* gt_3'):
        convert_lsvt_full(str(path), str(tmp_path), val_size=1)
    bad = json.loads(path.read_text(encoding='utf-8'))
    bad['gt_0'][0]['points'] = [[1, 2, 3]]
    (tmp_path / 'bad.json').write_text(json.dumps(bad), encoding='utf-8')
    (tmp_path / 'train_full_images_1' / 'gt_3.jpg').write_bytes(b'not a jpg')
    with pytest.raises(ValueError, match=r"bad.json: 'gt_0' instance 0: "
                       '"points" must be'):
        convert_lsvt_full(str(tmp_path / 'bad.json'), str(tmp_path),
                          val_size=1)
    with pytest.raises(ValueError, match='gt_3.jpg: unreadable image'):
        convert_lsvt_full(str(path), str(tmp_path), val_size=1)
    (tmp_path / 'train_full_images_1' / 'gt_3.jpg').unlink()
    cv2.imwrite(str(tmp_path / 'train_full_images_1' / 'gt_3.jpg'),
                np.zeros((8, 8, 3), np.uint8))
    with pytest.raises(ValueError, match='leaves no training image'):
        convert_lsvt_full(str(path), str(tmp_path), val_size=5)



def test_released_char_dict(tmp_path):
    """The released pickled code points -> a dictionary file giving the same
    ids (character i at i + 1, then mask and end); bad files are refused
    naming the file and the entry, and a pickle that needs code never
    runs."""
    import pickle
    import subprocess
    import sys

    from oclip_mmocr.datasets.converters import read_released_char_dict
    from tests.helpers import REPO
    from tests.helpers import PickleMarker
    chars = ['a', '中', '文', ' ', '\u3000', '😀']
    src = tmp_path / 'chars.pkl'
    src.write_bytes(pickle.dumps([ord(c) for c in chars]))
    out = tmp_path / 'dict.txt'
    proc = subprocess.run(
        [sys.executable, 'tools/dataset_converters/released_char_dict.py',
         str(src), str(out)], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert '6 characters (vocabulary 9 ids)' in proc.stdout
    d = OCLIPDictionary(dict_file=str(out))
    assert [d.char2id[c] for c in chars] == [1, 2, 3, 4, 5, 6]
    assert (d.mask_id, d.end_id, d.num_classes) == (7, 8, 9)

    def refused(obj, match):
        bad = tmp_path / 'bad.pkl'
        bad.write_bytes(pickle.dumps(obj))
        with pytest.raises(ValueError, match=match) as e:
            read_released_char_dict(str(bad))
        assert str(bad) in str(e.value)

    refused([97, 98, 97], r'entries 0 and 2 are both')
    refused([97, 10], r'entry 1 is a line break')
    refused([97, -1], r'entry 1 is -1, not a code point')
    refused([97, 0xD800], r'entry 1 is U\+D800, a lone surrogate')
    # ... and the tool says so in one line, not a UnicodeEncodeError.
    lone = tmp_path / 'lone.pkl'
    lone.write_bytes(pickle.dumps([97, 0xDC80]))
    proc = subprocess.run(
        [sys.executable, 'tools/dataset_converters/released_char_dict.py',
         str(lone), str(tmp_path / 'lone.txt')], cwd=REPO,
        capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.startswith('error: ') and 'Traceback' not in \
        proc.stderr and 'U+DC80' in proc.stderr, proc.stderr
    assert not (tmp_path / 'lone.txt').exists()
    refused({'a': 1}, 'expected a non-empty list')
    marker = tmp_path / 'marker'
    refused(PickleMarker(marker), r'refers to (io|builtins)\.open')
    assert not marker.exists()
    (tmp_path / 'junk.pkl').write_bytes(b'\x00junk')
    with pytest.raises(ValueError, match='not a pickled character list'):
        read_released_char_dict(str(tmp_path / 'junk.pkl'))
