"""Bad data is found before training depends on it: malformed polygons
and empty/truncated image files always, undecodable images with
``--check-data``, and what only loading finds names its file and sample; our pretraining dataset
names a non-UTF-8 file, reports duplicates and counts skipped images."""
import json
import logging
import os.path as osp
import subprocess
import sys

import cv2
import numpy as np
import pytest
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.runner import Runner

from mmocr.registry import DATASETS
from oclip_mmocr.datasets.data_check import dataset_problems, image_problem
from oclip_mmocr.engine.hooks import BadDataError
from tests.helpers import REPO
from tests.helpers import pipeline

BOX = [10, 10, 60, 10, 60, 30, 10, 30]


@pytest.fixture
def bad_set(tmp_path):
    """An MMOCR textdet set: two good images, an empty file, a truncated
    JPEG; a polygon with an odd coordinate count and one with 2 points."""
    img = (np.random.default_rng(0).random((64, 96, 3)) * 255).astype(
        np.uint8)
    (tmp_path / 'imgs').mkdir()
    cv2.imwrite(str(tmp_path / 'imgs/good.jpg'), img)
    cv2.imwrite(str(tmp_path / 'imgs/good.png'), img)
    (tmp_path / 'imgs/empty.jpg').write_bytes(b'')
    data = (tmp_path / 'imgs/good.jpg').read_bytes()
    (tmp_path / 'imgs/trunc.jpg').write_bytes(data[:len(data) // 2])

    def entry(name, polys):
        return dict(img_path=f'imgs/{name}', height=64, width=96,
                    instances=[dict(polygon=p, bbox=[10, 10, 60, 30],
                                    bbox_label=0, ignore=False)
                               for p in polys])

    ann = dict(metainfo=dict(dataset_type='TextDetDataset',
                             task_name='textdet', category=[dict(id=0,
                                                                 name='text')]),
               data_list=[entry('good.jpg', [BOX, BOX[:7]]),
                          entry('good.png', [BOX, BOX[:4]]),
                          entry('empty.jpg', [BOX]),
                          entry('trunc.jpg', [BOX])])
    (tmp_path / 'textdet_train.json').write_text(json.dumps(ann))
    return tmp_path


def ocr_dataset(root):
    return DATASETS.build(dict(type='OCRDataset', data_root=str(root),
                               ann_file='textdet_train.json', pipeline=[]))


def test_image_and_polygon_problems_are_named(bad_set):
    assert image_problem(str(bad_set / 'imgs/good.jpg')) is None
    assert image_problem(str(bad_set / 'imgs/good.png')) is None
    problems = dataset_problems(ocr_dataset(bad_set), images=True)
    text = '\n'.join(problems)
    assert len(problems) == 4, text
    assert 'imgs/good.jpg: instance 1: polygon has an odd number of ' \
           'coordinates (7)' in text
    assert 'imgs/good.png: instance 1: polygon has 2 points' in text
    assert 'imgs/empty.jpg: empty file (0 bytes)' in text
    assert 'imgs/trunc.jpg: truncated' in text
    # Without images: only the (cheap) polygon checks.
    assert len(dataset_problems(ocr_dataset(bad_set))) == 2


def _demo_cfg(root, work):
    cfg = Config.fromfile(osp.join(
        REPO, 'configs/finetune/dbnet/dbnet_demo-scratch_synthetic.py'))
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg[name]
        loader.num_workers = 0
        loader.persistent_workers = False
        loader.dataset = dict(type='OCRDataset', data_root=str(root),
                              ann_file='textdet_train.json',
                              test_mode=name != 'train_dataloader',
                              pipeline=loader.dataset.pipeline)
    cfg.work_dir = str(work)
    return cfg


@pytest.mark.slow
def test_training_refuses_bad_data_before_the_first_iteration(bad_set,
                                                              tmp_path):
    runner = Runner.from_cfg(_demo_cfg(bad_set, tmp_path / 'work'))
    with pytest.raises(BadDataError) as e:
        runner.train()
    assert runner.iter == 0
    msg = str(e.value)
    assert '[train]' in msg and 'instance 1: polygon has 2 points' in msg
    # By default every image file is checked quickly (no decoding): an
    # empty and a truncated JPEG are found before training.
    assert 'empty.jpg: empty file' in msg and 'trunc.jpg: truncated' in msg
    assert 'polygons and image files of' in msg
    # tools/train.py --check-data: every image decoded as well.
    config = tmp_path / 'cfg.py'
    _demo_cfg(bad_set, tmp_path / 'work2').dump(str(config))
    proc = subprocess.run(
        [sys.executable, 'tools/train.py', str(config), '--check-data'],
        cwd=REPO, capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert 'empty.jpg: empty file' in out and 'trunc.jpg: truncated' in out
    assert 'training not started' in out


def _undecodable_set(root):
    """One good image and one that passes the quick check (JPEG start and
    end markers, plausible size) but cannot be decoded; a `[]` polygon on
    a third entry is caught before training."""
    img = (np.random.default_rng(0).random((64, 96, 3)) * 255).astype(
        np.uint8)
    (root / 'imgs').mkdir(parents=True)
    cv2.imwrite(str(root / 'imgs/good.jpg'), img)
    (root / 'imgs/garbled.jpg').write_bytes(
        b'\xff\xd8' + bytes(range(256)) * 8 + b'\xff\xd9')
    entry = dict(height=64, width=96,
                 instances=[dict(polygon=BOX, bbox=[10, 10, 60, 30],
                                 bbox_label=0, ignore=False)])
    ann = dict(metainfo=dict(dataset_type='TextDetDataset',
                             task_name='textdet',
                             category=[dict(id=0, name='text')]),
               data_list=[dict(entry, img_path='imgs/good.jpg'),
                          dict(entry, img_path='imgs/garbled.jpg')])
    (root / 'textdet_train.json').write_text(json.dumps(ann))
    return root


@pytest.mark.slow
def test_a_sample_failing_mid_run_names_file_and_sample(tmp_path):
    """Past the quick check, loading fails: the run stops with the
    annotation file, the image and the sample index, not MMOCR's bare
    error; the empty-polygon case never gets that far."""
    from oclip_mmocr.datasets.data_check import SampleLoadError
    root = _undecodable_set(tmp_path / 'data')
    cfg = _demo_cfg(root, tmp_path / 'work')
    runner = Runner.from_cfg(cfg)
    with pytest.raises(SampleLoadError) as e:
        runner.train()
    msg = str(e.value)
    assert 'textdet_train.json' in msg and 'imgs/garbled.jpg (sample 1)' in msg
    assert 'loading failed with' in msg

    ann = json.loads((root / 'textdet_train.json').read_text())
    ann['data_list'][0]['instances'][0]['polygon'] = []
    (root / 'textdet_train.json').write_text(json.dumps(ann))
    with pytest.raises(BadDataError, match=r'good.jpg: instance 0: polygon '
                       r'has 0 points'):
        Runner.from_cfg(_demo_cfg(root, tmp_path / 'work2')).train()


def test_named_load_errors_wrapper(tmp_path):
    """The wrapper names file, sample and malformed instances, survives
    pickling (spawned data-loader workers) and wraps once."""
    import pickle

    from oclip_mmocr.datasets.data_check import (SampleLoadError,
                                                 name_load_errors)
    root = _undecodable_set(tmp_path)
    ds = DATASETS.build(dict(
        type='OCRDataset', data_root=str(root),
        ann_file='textdet_train.json',
        pipeline=[dict(type='LoadImageFromFile')]))
    assert name_load_errors(ds) == 1 and name_load_errors(ds) == 0
    assert ds[0]['img'].shape == (64, 96, 3)
    clone = pickle.loads(pickle.dumps(ds))
    for d in (ds, clone):
        with pytest.raises(SampleLoadError, match=r'garbled.jpg \(sample 1\)'):
            d.prepare_data(1)


class _Records(logging.Handler):
    """What MMEngine's logger writes (it keeps the stream it was created
    with, so capsys cannot see it)."""

    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def test_pretraining_dataset_names_its_problems(tmp_path, synthetic_root):
    logger = MMLogger.get_current_instance()
    records = _Records()
    logger.addHandler(records)
    bad = tmp_path / 'latin1.json'
    bad.write_bytes('{"data_list": [{"img_path": "é.png"}]}'.encode(
        'latin-1'))
    with pytest.raises(ValueError, match=r'latin1.json is not UTF-8 text'):
        DATASETS.build(dict(type='OCLIPDataset', ann_file=str(bad)))

    ann = json.load(open(osp.join(synthetic_root, 'textdet_train.json')))
    first = ann['data_list'][0]
    ann['data_list'].append(dict(first))  # listed twice
    empty = tmp_path / 'empty.png'
    empty.write_bytes(b'')
    ann['data_list'].append(dict(first, img_path=str(empty)))
    path = tmp_path / 'ann.json'
    path.write_text(json.dumps(ann))
    ds = DATASETS.build(dict(type='OCLIPDataset', ann_file=str(path),
                             data_root=synthetic_root,
                             pipeline=pipeline(64)))
    out = '\n'.join(records.lines)
    assert '1 images are listed more than once' in out
    assert first['img_path'] in out
    skipped = len(ds) - 1
    assert ds[skipped] is not None  # another image is drawn instead
    assert ds.skipped_images == 1
    logger.removeHandler(records)
    assert f'skipped unreadable image {empty}' in '\n'.join(records.lines)
