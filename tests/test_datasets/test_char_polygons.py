"""Character boxes through MMOCR's geometric transforms (WithCharPolygons)
and into the spotter's samples (PackTextSpotInputs)."""
import copy

import numpy as np
import pytest
from mmengine.registry import init_default_scope
from shapely.geometry import Polygon

from mmocr.registry import DATASETS, TRANSFORMS
from oclip_mmocr.datasets.synthetic import generate_synthetic_split

GEOMETRY = [
    dict(type='FixInvalidPolygon'),
    dict(type='RandomApply',
         transforms=[dict(type='RandomRotate', max_angle=30,
                          use_canvas=True)], prob=1.),
    dict(type='RandomResize', scale=(384, 384), ratio_range=(0.5, 1.25),
         keep_ratio=True),
    dict(type='RandomCrop', min_side_ratio=0.3),
    dict(type='Resize', scale=(256, 256), keep_ratio=True),
    dict(type='Pad', size=(256, 256)),
]
LOAD = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadOCRAnnotations', with_polygon=True, with_bbox=True,
         with_label=True, with_text=True),
]
PACK = dict(type='PackTextSpotInputs',
            meta_keys=('img_path', 'ori_shape', 'img_shape'))


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    init_default_scope('mmocr')
    root = str(tmp_path_factory.mktemp('chars'))
    generate_synthetic_split(root, 'train', num_images=6, img_size=None,
                             seed=2, profile='synth_totaltext')
    return root


def dataset(root, pipeline):
    return DATASETS.build(dict(type='OCRDataset', data_root=root,
                               ann_file='textspotting_train.json',
                               pipeline=pipeline))


def test_char_boxes_follow_their_words(data_root):
    ds = dataset(data_root, LOAD + [dict(type='WithCharPolygons',
                                         transforms=GEOMETRY), PACK])
    np.random.seed(0)
    with_chars = without = 0
    for k in range(len(ds)):
        for _ in range(3):  # several random draws per image
            inst = ds[k]['data_samples'].gt_instances
            assert len(inst.char_polygons) == len(inst.polygons) == len(
                inst.texts) == len(inst.ignored) == len(inst.bboxes)
            assert (inst.labels == 0).all()  # the tags are gone
            for poly, text, ign, chars in zip(inst.polygons, inst.texts,
                                              inst.ignored,
                                              inst.char_polygons):
                if chars is None:
                    without += 1
                    continue
                assert not ign and text != '###'
                assert len(chars) == len(text.replace(' ', ''))
                word = Polygon(np.asarray(poly).reshape(-1, 2)).buffer(2)
                for c in chars:
                    c = Polygon(np.asarray(c).reshape(-1, 2))
                    assert word.contains(c.centroid), (text, poly)
                with_chars += 1
    assert with_chars >= 20 and without >= 1


def test_words_unchanged_and_chars_none_without_boxes(data_root, tmp_path):
    """On data without character boxes the wrapper changes nothing (same
    random draws, same words) and packs None for every word."""
    import json
    ann = json.load(open(f'{data_root}/textspotting_train.json'))
    for entry in ann['data_list']:
        for inst in entry['instances']:
            inst.pop('char_polygons', None)
        entry['img_path'] = f'{data_root}/{entry["img_path"]}'
    (tmp_path / 'textspotting_train.json').write_text(json.dumps(ann))
    plain = dataset(str(tmp_path), LOAD + GEOMETRY + [PACK])
    wrapped = dataset(str(tmp_path), LOAD + [
        dict(type='WithCharPolygons', transforms=GEOMETRY), PACK])
    for k in range(len(plain)):
        np.random.seed(k)
        a = plain[k]['data_samples'].gt_instances
        np.random.seed(k)
        b = wrapped[k]['data_samples'].gt_instances
        assert a.texts == b.texts
        for p, q in zip(a.polygons, b.polygons):
            np.testing.assert_allclose(p, q)
        assert b.char_polygons == [None] * len(b)


def test_misplaced_wrapper_is_named():
    t = TRANSFORMS.build(dict(type='WithCharPolygons', transforms=[]))
    results = dict(img_path='a.jpg', instances=[dict(polygon=[0] * 8)] * 2,
                   gt_polygons=[np.zeros(8, np.float32)],
                   gt_bboxes=np.zeros((1, 4), np.float32),
                   gt_bboxes_labels=np.zeros(1, np.int64),
                   gt_ignored=np.zeros(1, bool))
    with pytest.raises(ValueError, match='a.jpg: 1 loaded polygons but 2 '
                       'instances.*right after LoadOCRAnnotations'):
        t(copy.deepcopy(results))
