import json
import logging
import os.path as osp

import numpy as np
import pytest
from mmengine.logging import MMLogger

from mmocr.registry import DATASETS, TRANSFORMS
from tests.helpers import pipeline


def _write(tmp_path, data_list, name='ann.json'):
    path = tmp_path / name
    path.write_text(json.dumps(dict(metainfo={}, data_list=data_list)))
    return str(path)


def _img(tmp_path, name='a.png'):
    import cv2
    path = tmp_path / name
    cv2.imwrite(str(path), np.full((64, 64, 3), 128, np.uint8))
    return name


def _build(tmp_path, ann, **kwargs):
    return DATASETS.build(
        dict(type='OCLIPDataset', data_root=str(tmp_path), ann_file=ann,
             pipeline=pipeline(32), **kwargs))


def _logged(fn):
    """Run ``fn`` and return its result and what it logged through MMEngine's
    current logger."""
    logger = MMLogger.get_current_instance()
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger.addHandler(handler)
    try:
        result = fn()
    finally:
        logger.removeHandler(handler)
    return result, '\n'.join(r.getMessage() for r in records)


def test_bad_words_are_skipped_counted_and_logged(tmp_path):
    good = _img(tmp_path)
    ann = _write(tmp_path, [
        dict(img_path=good, instances=[
            dict(text='###'), dict(text=''), dict(text='   '),
            dict(text='x' * 40), dict(text='naïve'), dict(text='ok'),
            dict(text='HIDDEN', ignore=True), dict(polygon=[0, 0, 1, 1])
        ]),
        dict(img_path=good, instances=[dict(text='###')]),
        dict(img_path=good, instances=[]),
    ])
    ds, out = _logged(lambda: _build(tmp_path, 'ann.json'))
    assert len(ds) == 1
    stats = ds.filter_stats
    assert stats['ignored'] == 3 and stats['empty'] == 2
    assert stats['unknown_char'] == 1 and stats['no_text'] == 1
    assert stats['truncated'] == 1 and stats['words'] == 2
    assert stats['images_without_words'] == 2
    assert 'dropped 2 images without any usable word' in out
    assert 'ignored=3, empty=2, unknown_char=1' in out
    item = ds[0]
    words = item['data_samples'].words
    assert sorted(words) == sorted(['x' * 40, 'ok'])
    tokens = item['data_samples'].gt_tokens
    assert tokens.shape == (2, 25)
    # The 40-character word keeps 24 characters and its end-of-word token.
    long_row = tokens[words.index('x' * 40)]
    assert long_row[-1] == 96


def test_exactly_one_character_masked_fresh_each_time(tmp_path):
    ann = _write(tmp_path, [dict(img_path=_img(tmp_path),
                                 instances=[dict(text='abcdefgh')])])
    ds = _build(tmp_path, 'ann.json')
    positions = set()
    for _ in range(30):
        s = ds[0]['data_samples']
        row = s.gt_tokens[0]
        assert int((row == 95).sum()) == 1
        pos = int(s.mask_positions[0])
        assert row[pos] == 95 and pos < 8
        assert 'abcdefgh'[pos] == chr(int(s.gt_chars[0]) + 32)
        positions.add(pos)
    assert len(positions) > 3


def test_not_json_names_the_file(tmp_path):
    (tmp_path / 'bad.json').write_text('{"data_list": [')
    with pytest.raises(ValueError, match=r'bad\.json is not valid JSON'):
        _build(tmp_path, 'bad.json')
    (tmp_path / 'list.json').write_text('[1, 2]')
    with pytest.raises(ValueError, match='list.json is not an MMOCR'):
        _build(tmp_path, 'list.json')
    with pytest.raises(FileNotFoundError, match='missing.json'):
        _build(tmp_path, 'missing.json')


def test_unreadable_image_is_skipped_with_its_name(tmp_path):
    good = _img(tmp_path)
    (tmp_path / 'broken.jpg').write_bytes(b'not an image at all')
    _write(tmp_path, [
        dict(img_path='broken.jpg', instances=[dict(text='lost')]),
        dict(img_path=good, instances=[dict(text='found')]),
    ])
    ds = _build(tmp_path, 'ann.json')
    with pytest.warns(UserWarning, match='broken.jpg'):
        item = ds[0]  # the broken image is replaced by another one
    assert item['data_samples'].words == ['found']
    # Without ignore_empty the error names the file.
    load = TRANSFORMS.build(dict(type='LoadImageFromFile'))
    with pytest.raises(Exception, match='broken.jpg'):
        load(dict(img_path=osp.join(str(tmp_path), 'broken.jpg')))


def test_sample_words_limits_and_skips(tmp_path):
    t = TRANSFORMS.build(dict(type='SampleWords', max_words=3))
    res = t(dict(img_path='x', instances=[dict(text=w) for w in
                                          ['a', 'b', 'c', 'd', '###', 'é']]))
    assert len(res['words']) == 3 and set(res['words']) <= set('abcd')
    assert t.skip_counts == {'ignored': 1, 'unknown_char': 1}
    first = TRANSFORMS.build(dict(type='SampleWords', max_words=2,
                                  shuffle=False))
    res = first(dict(instances=[dict(text=w) for w in 'abc']))
    assert res['words'] == ['a', 'b']
    assert t(dict(img_path='x', instances=[dict(text='###')])) is None


def test_mask_characters_rejects_unknown_char_with_path():
    t = TRANSFORMS.build(dict(type='MaskCharacters'))
    with pytest.raises(ValueError, match=r"img\.jpg.*'é'"):
        t(dict(img_path='img.jpg', words=['café']))


def test_random_resized_crop():
    t = TRANSFORMS.build(dict(type='RandomResizedCrop', size=32))
    res = t(dict(img=np.zeros((50, 80, 3), np.uint8)))
    assert res['img'].shape == (32, 32, 3) and res['img_shape'] == (32, 32)
    # Extreme aspect ratios fall back to a centre crop.
    res = t(dict(img=np.zeros((10, 500, 3), np.uint8)))
    assert res['img'].shape == (32, 32, 3)


def test_synthetic_generation_is_deterministic(tmp_path):
    from oclip_mmocr.datasets.synthetic import render_text_image
    a, inst_a = render_text_image(5, 2, (96, 128))
    b, inst_b = render_text_image(5, 2, (96, 128))
    c, _ = render_text_image(5, 3, (96, 128))
    assert a.shape == (96, 128, 3) and a.dtype == np.uint8
    assert np.array_equal(a, b) and inst_a == inst_b
    assert not np.array_equal(a, c)
    assert 1 <= len(inst_a) <= 5
    for inst in inst_a:
        poly = np.array(inst['polygon']).reshape(-1, 2)
        assert poly.shape == (4, 2)
        assert (poly >= 0).all() and (poly[:, 0] < 128).all() \
            and (poly[:, 1] < 96).all()
        assert inst['text'] and not inst['ignore']


def test_synthetic_dataset_generates_once(tmp_path):
    root = str(tmp_path / 'syn')
    cfg = dict(type='SyntheticOCLIPDataset', data_root=root, num_images=4,
               img_size=(64, 64), pipeline=pipeline(32))
    ds = DATASETS.build(cfg)
    assert len(ds) == 4
    ann = osp.join(root, 'textdet_train.json')
    mtime = osp.getmtime(ann)
    DATASETS.build(cfg)
    assert osp.getmtime(ann) == mtime  # reused
    DATASETS.build(dict(cfg, num_images=5))
    assert len(json.load(open(ann))['data_list']) == 5  # regenerated
    # MMOCR's own detection dataset reads the same files.
    det = DATASETS.build(dict(type='OCRDataset', data_root=root,
                              ann_file='textdet_train.json', pipeline=[]))
    assert len(det) == 5 and 'polygon' in det[0]['instances'][0]


def test_dataset_gives_its_dictionary_to_the_pipeline(tmp_path):
    dict_file = tmp_path / 'dict.txt'
    dict_file.write_text('中\n文\n', encoding='utf-8')
    _write(tmp_path, [dict(img_path=_img(tmp_path),
                           instances=[dict(text='文中'), dict(text='abc')])])
    ds = DATASETS.build(
        dict(type='OCLIPDataset', data_root=str(tmp_path),
             ann_file='ann.json',
             dictionary=dict(type='OCLIPDictionary',
                             dict_file=str(dict_file)),
             pipeline=pipeline(32)))
    assert ds.filter_stats['unknown_char'] == 1
    sample = ds[0]['data_samples']
    assert sample.words == ['文中']
    row = sample.gt_tokens[0].tolist()
    # ids: 中=1, 文=2, mask=3, end=4
    assert sorted(row[:2]) in ([2, 3], [1, 3]) and row[2] == 4


def _pack(tmp_path, packer_name, instances):
    """An annotation file written by MMOCR's own dataset-preparer packer."""
    from mmocr.datasets.preparers import packers
    img = osp.join(str(tmp_path), _img(tmp_path, 'p.png'))
    packer = getattr(packers, packer_name)(data_root=str(tmp_path),
                                            split='train')
    ann = packer.add_meta([packer.pack_instance((img, instances))])
    (tmp_path / 'packed.json').write_text(json.dumps(ann))


def test_reads_mmocr_preparer_textspotting_output(tmp_path):
    poly = [1, 1, 30, 1, 30, 10, 1, 10]
    _pack(tmp_path, 'TextSpottingPacker', [
        dict(poly=poly, text='STOP', ignore=False),
        dict(poly=poly, text='###', ignore=True)])
    ds = _build(tmp_path, 'packed.json')
    assert len(ds) == 1 and ds[0]['data_samples'].words == ['STOP']


def test_textdet_output_without_text_is_a_clear_error(tmp_path):
    _pack(tmp_path, 'TextDetPacker', [
        dict(poly=[1, 1, 30, 1, 30, 10, 1, 10], ignore=False)])
    with pytest.raises(ValueError, match='packed.json.*textspotting'):
        _build(tmp_path, 'packed.json')


# -- held-out subset and data portion -------------------------------------
def _many(tmp_path, n=400):
    items = [dict(img_path=f'img_{i:04d}.jpg',
                  instances=[dict(text=f'w{i}')]) for i in range(n)]
    return items, _write(tmp_path, items)


def _paths(ds):
    return [ds.get_data_info(i)['img_path'] for i in range(len(ds))]


def test_val_and_train_subsets_partition_and_ignore_order(tmp_path):
    items, ann = _many(tmp_path)
    train = _paths(_build(tmp_path, ann, subset='train', val_fraction=0.1))
    val = _paths(_build(tmp_path, ann, subset='val', val_fraction=0.1))
    assert not set(train) & set(val)
    assert len(train) + len(val) == 400
    assert 25 <= len(val) <= 55  # ~40: a hash, not a count
    # Annotation order does not move an image between subsets.
    shuffled = _write(tmp_path, items[::-1], name='rev.json')
    assert set(_paths(_build(tmp_path, shuffled, subset='val',
                             val_fraction=0.1))) == set(val)
    # Another seed holds out other images.
    other = _paths(_build(tmp_path, ann, subset='val', val_fraction=0.1,
                          subset_seed=1))
    assert set(other) != set(val)


def test_pretrain_fraction_is_nested_deterministic_and_logged(tmp_path):
    _, ann = _many(tmp_path)
    full = _paths(_build(tmp_path, ann, subset='train', val_fraction=0.1))
    quarter, log = _logged(lambda: _paths(_build(
        tmp_path, ann, subset='train', val_fraction=0.1,
        pretrain_fraction=0.25)))
    half = _paths(_build(tmp_path, ann, subset='train', val_fraction=0.1,
                         pretrain_fraction=0.5))
    assert len(quarter) == round(0.25 * len(full))
    assert len(half) == round(0.5 * len(full))
    assert set(quarter) < set(half) < set(full)
    assert quarter == _paths(_build(tmp_path, ann, subset='train',
                                    val_fraction=0.1, pretrain_fraction=0.25))
    assert (f'pretrain_fraction=0.25: {len(quarter)} of {len(full)} train '
            'images (400 usable in all)') in log


@pytest.mark.parametrize('kwargs,match', [
    (dict(pretrain_fraction=0), r'pretrain_fraction must be in \(0, 1\]'),
    (dict(pretrain_fraction=1.5), r'pretrain_fraction must be in \(0, 1\]'),
    (dict(pretrain_fraction='half'), 'pretrain_fraction must be a number'),
    (dict(val_fraction=-0.1), r'val_fraction must be in \[0, 1\]'),
    (dict(subset='test'), 'subset must be one of'),
    (dict(subset='val'), 'needs val_fraction > 0'),
])
def test_bad_subset_settings_are_one_line_errors(tmp_path, kwargs, match):
    _, ann = _many(tmp_path, 10)
    with pytest.raises(ValueError, match=match) as err:
        _build(tmp_path, ann, **kwargs)
    assert '\n' not in str(err.value)


def test_validation_masking_is_fixed_by_seed():
    t = TRANSFORMS.build(dict(type='MaskCharacters', seed=0))
    results = lambda: dict(img_path='x.jpg', words=['hello', 'world'])  # noqa
    first = t(results())['mask_positions']
    assert all((t(results())['mask_positions'] == first).all()
               for _ in range(5))
    other = TRANSFORMS.build(dict(type='MaskCharacters', seed=1))
    positions = {tuple(other(dict(img_path=f'{i}.jpg',
                                  words=['abcdefgh']))['mask_positions'])
                 for i in range(40)}
    assert len(positions) > 4  # spread over the word, not one position


def test_subsets_do_not_move_with_the_data_root(tmp_path):
    """The hash reads the annotation's own path, so the same file under
    another mount point holds out the same images."""
    items, _ = _many(tmp_path)
    other = tmp_path / 'elsewhere'
    other.mkdir()
    ann_a = _write(tmp_path, items, name='a.json')
    ann_b = _write(other, items, name='b.json')
    val_a = _build(tmp_path, ann_a, subset='val', val_fraction=0.1)
    val_b = _build(other, ann_b, subset='val', val_fraction=0.1)
    rel = [osp.relpath(p, str(tmp_path)) for p in _paths(val_a)]
    assert rel == [osp.relpath(p, str(other)) for p in _paths(val_b)]
