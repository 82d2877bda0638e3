"""The embedded benchmark's generator: determinism, geometry of the
annotations (curved polygons hug their words and stay in the image), the
readers' rules for illegible text, the files MMOCR reads."""
import json
import math
import os
import os.path as osp

import cv2
import numpy as np
import pytest
from shapely.geometry import Polygon

from oclip_mmocr.datasets.synthetic import generate_synthetic_split
from oclip_mmocr.datasets.synthetic.geometry import (Bent, Homography,
                                                     edge_polygon, warp_strip)
from oclip_mmocr.datasets.synthetic.profiles import PROFILES, get_profile
from oclip_mmocr.datasets.synthetic.scene import SceneRenderer

N = 6  # images per profile in the annotation checks


@pytest.fixture(scope='module')
def rendered():
    out = {}
    for name, profile in PROFILES.items():
        r = SceneRenderer(profile)
        out[name] = [r.render(3, i) for i in range(N)]
    return out


def test_deterministic_per_seed_and_index():
    r = SceneRenderer(PROFILES['synth_totaltext'])
    a_img, a_inst, a_q = r.render(5, 7)
    b_img, b_inst, b_q = SceneRenderer(PROFILES['synth_totaltext']).render(
        5, 7)
    assert np.array_equal(a_img, b_img) and a_inst == b_inst and a_q == b_q
    c_img, _, _ = r.render(5, 8)
    d_img, _, _ = r.render(6, 7)
    assert not np.array_equal(a_img, c_img)
    assert not np.array_equal(a_img, d_img)
    # Another profile with the same seed and index is another image.
    e_img, _, _ = SceneRenderer(PROFILES['synth_ctw1500'],
                                a_img.shape[:2]).render(5, 7)
    assert not np.array_equal(a_img, e_img)


@pytest.mark.parametrize('name', sorted(PROFILES))
def test_annotations_are_valid(rendered, name):
    profile = PROFILES[name]
    h, w = profile.size
    legible = ignored = 0
    points = set()
    for img, instances, quality in rendered[name]:
        assert img.shape == (h, w, 3) and img.dtype == np.uint8
        assert 1 <= quality <= 100
        assert instances, 'an image without text'
        for inst in instances:
            poly = np.array(inst['polygon']).reshape(-1, 2)
            points.add(len(poly))
            # Inside the image, a simple polygon of positive area.
            assert poly.min() >= 0 and poly[:, 0].max() <= w - 1 and \
                poly[:, 1].max() <= h - 1, inst
            shape = Polygon(poly)
            assert shape.is_valid and shape.area > 4, inst
            xs, ys = poly[:, 0], poly[:, 1]
            assert inst['bbox'] == [min(xs), min(ys), max(xs), max(ys)]
            # Transcriptions always present; '###' exactly when ignored.
            assert inst['text'] and (inst['text'] == '###') == inst['ignore']
            legible += not inst['ignore']
            ignored += inst['ignore']
    assert legible >= 2 * N
    if profile.polygon == 'quad':
        assert points == {4}
    elif profile.polygon == 'fixed14':
        assert points == {14}
    else:  # as many points as the curve needs: straight words keep 4
        assert 4 in points and max(points) > 4
    if profile.clutter[1] >= 8:
        assert ignored >= N  # ICDAR2015's many '###' boxes


def test_line_level_profile_has_several_words_per_line(rendered):
    texts = [i['text'] for _, inst, _ in rendered['synth_ctw1500']
             for i in inst if not i['ignore']]
    assert sum(' ' in t for t in texts) >= len(texts) // 2


def test_icdar2015_words_are_small(rendered):
    """Legible ICDAR2015-style words are 7-22 px high (8-20 drawn, ink
    measured), as in the real set at 1280x720."""
    heights = []
    for _, instances, _ in rendered['synth_icdar2015']:
        for inst in instances:
            if inst['ignore']:
                continue
            p = np.array(inst['polygon']).reshape(4, 2)
            heights.append(min(np.linalg.norm(p[0] - p[3]),
                               np.linalg.norm(p[1] - p[2])))
    assert heights and min(heights) >= 6 and np.median(heights) <= 22


@pytest.mark.parametrize('kind', ['arc_up', 'arc_down', 'wave', 'rotated',
                                  'perspective'])
def test_polygon_hugs_the_warped_ink(kind):
    """A solid strip warped by a placement covers its annotation polygon:
    >= 97% of the polygon is ink and >= 99% of the ink is in the polygon
    (1 px of tolerance at the antialiased edge)."""
    sh, sw = 24, 160
    strip = np.zeros((sh + 8, sw + 8), np.float32)
    strip[4:4 + sh, 4:4 + sw] = 1
    H, W = 300, 300
    if kind == 'arc_up':
        place = Bent(sw + 8, sh + 8, (150, 150), 0.3, curvature=1.5 / sw)
    elif kind == 'arc_down':
        place = Bent(sw + 8, sh + 8, (150, 150), -0.2, curvature=-2.5 / sw)
    elif kind == 'wave':
        place = Bent(sw + 8, sh + 8, (150, 150), 0.1, amplitude=10,
                     wavelength=1.2 * sw, phase=0.7)
    else:
        a = 0.5
        rect = np.array([[0, 0], [sw + 8, 0], [sw + 8, sh + 8],
                         [0, sh + 8]], float) - ((sw + 8) / 2, (sh + 8) / 2)
        if kind == 'perspective':
            rect[:, 1] *= 1 + 0.3 * rect[:, 0] / sw
        rot = np.array([[math.cos(a), -math.sin(a)],
                        [math.sin(a), math.cos(a)]])
        place = Homography(sw + 8, sh + 8, rect @ rot.T + 150)
    patch, (y0, x0) = warp_strip(strip, place, (H, W))
    ink = np.zeros((H, W), np.float32)
    ink[y0:y0 + patch.shape[0], x0:x0 + patch.shape[1]] = patch
    poly = edge_polygon(place, 4, 4 + sw, 4, 4 + sh)
    if kind.startswith(('arc', 'wave')):
        assert len(poly) > 4
    mask = np.zeros((H, W), np.uint8)
    # Continuous coordinates: OpenCV draws at pixel centres.
    cv2.fillPoly(mask, [np.round((poly - 0.5) * 16).astype(np.int32)], 1,
                 shift=4)
    inner = cv2.erode(mask, np.ones((3, 3), np.uint8)).astype(bool)
    outer = cv2.dilate(mask, np.ones((3, 3), np.uint8)).astype(bool)
    assert (ink[inner] > 0.5).mean() >= 0.97
    assert ink[outer].sum() >= 0.99 * ink.sum()
    # The polygon's area is the strip's (bending preserves it at the
    # centre line to first order).
    assert abs(Polygon(poly).area / (sw * sh) - 1) < 0.06


def test_split_files_workers_and_mmocr_readers(tmp_path):
    from mmengine.registry import init_default_scope
    from mmocr.datasets import OCRDataset
    init_default_scope('mmocr')
    a = str(tmp_path / 'a')
    b = str(tmp_path / 'b')
    kw = dict(num_images=16, img_size=(192, 192), seed=2,
              profile='synth_totaltext')
    generate_synthetic_split(a, 'train', num_workers=1, **kw)
    generate_synthetic_split(b, 'train', num_workers=2, **kw)
    for task in ('textdet', 'textspotting'):
        ja = json.load(open(osp.join(a, f'{task}_train.json')))
        jb = json.load(open(osp.join(b, f'{task}_train.json')))
        assert ja['data_list'] == jb['data_list']
    assert ja['metainfo']['task_name'] == 'textspotting'
    for entry in ja['data_list']:
        with open(osp.join(a, entry['img_path']), 'rb') as fa, \
                open(osp.join(b, entry['img_path']), 'rb') as fb:
            assert fa.read() == fb.read()
    for task in ('textdet', 'textspotting'):
        ds = OCRDataset(data_root=a, ann_file=f'{task}_train.json',
                        pipeline=[])
        assert len(ds) == 16
        inst = ds[0]['instances']
        assert all('polygon' in i and 'text' in i for i in inst)
    # Cached: a second call with the same parameters writes nothing.
    mtime = osp.getmtime(osp.join(a, 'textdet_train.json'))
    generate_synthetic_split(a, 'train', num_workers=1, **kw)
    assert osp.getmtime(osp.join(a, 'textdet_train.json')) == mtime
    with pytest.raises(KeyError, match='unknown synthetic profile'):
        get_profile('synth_coco')


@pytest.mark.parametrize('name', sorted(PROFILES))
def test_character_boxes(rendered, name):
    """Every legible word carries one quadrilateral per non-space
    character (Mask TextSpotter's supervision, as SynthText's charBB): in
    reading order along the word, inside it, not overlapping; illegible
    ones carry none."""
    words = 0
    for _, instances, _ in rendered[name]:
        for inst in instances:
            if inst['ignore']:
                assert 'char_polygons' not in inst
                continue
            chars = inst.get('char_polygons')
            assert chars is not None, inst
            assert len(chars) == len(inst['text'].replace(' ', ''))
            word = Polygon(np.array(inst['polygon']).reshape(-1, 2))
            quads = [np.array(c).reshape(4, 2) for c in chars]
            for q in quads:
                assert Polygon(q).is_valid and Polygon(q).area > 0.5
                assert word.buffer(1.5).contains(Polygon(q).centroid)
            # Reading order: centroids advance along the word's first
            # character -> last character direction, and along each box's
            # own top edge.
            cents = np.array([q.mean(0) for q in quads])
            if len(quads) > 1:
                steps = np.diff(cents, axis=0)
                tops = np.array([q[1] - q[0] for q in quads[:-1]])
                assert (np.einsum('ij,ij->i', steps, tops) > 0).all(), inst
            for a, b in zip(quads, quads[1:]):
                inter = Polygon(a).intersection(Polygon(b)).area
                assert inter <= 0.1 * min(Polygon(a).area, Polygon(b).area)
            words += 1
    assert words >= 2 * N


@pytest.mark.parametrize('spacing', [0., 0.2])
def test_character_spans_cover_the_ink(spacing):
    from oclip_mmocr.datasets.synthetic.fonts import fonts_for
    from oclip_mmocr.datasets.synthetic.text_strip import (horizontal_strip,
                                                           vertical_strip)
    font = fonts_for('Hello')[0]
    for strip, text in [(horizontal_strip('Hello World', font, 40, 0,
                                          spacing), 'Hello World'),
                        (horizontal_strip('Wavy', font, 24, 2, spacing),
                         'Wavy'),
                        (vertical_strip('SHOP', font, 30), 'SHOP')]:
        ink = np.maximum(strip.alpha, 0 if strip.stroke is None else
                         strip.stroke).max(0) > 0.25
        spans = strip.chars
        assert len(spans) == len(text)
        assert all((s is None) == (c == ' ') for s, c in zip(spans, text))
        covered = np.zeros_like(ink)
        for s in spans:
            if s is not None:
                covered[int(s[0]):int(np.ceil(s[1]))] = True
        # Nearly every ink column belongs to a character, characters do
        # not overlap and follow the text's order.
        assert (ink & covered).sum() >= 0.97 * ink.sum(), text
        real = [s for s in spans if s is not None]
        assert all(a[1] <= b[0] + 1e-6 for a, b in zip(real, real[1:]))


def _generate_and_stamp(args):
    root, queue = args
    ann = generate_synthetic_split(root, 'train', num_images=24,
                                   img_size=(96, 96), seed=4,
                                   profile='basic', num_workers=1)
    queue.put(os.stat(ann).st_mtime_ns)


def test_concurrent_processes_write_a_split_once(tmp_path):
    """The study's concurrent seeds ask for the same split at once: one
    process writes it, the others wait and find it made (without the lock
    they all regenerate it, replacing each other's image folder)."""
    import multiprocessing as mp
    ctx = mp.get_context('fork')
    queue = ctx.Queue()
    root = str(tmp_path / 'shared')
    procs = [ctx.Process(target=_generate_and_stamp, args=((root, queue), ))
             for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    stamps = {queue.get(timeout=5) for _ in procs}
    assert len(stamps) == 1, 'the split was written more than once'
    ann = json.load(open(osp.join(root, 'textdet_train.json')))
    assert len(ann['data_list']) == 24
    assert all(osp.isfile(osp.join(root, e['img_path']))
               for e in ann['data_list'])
