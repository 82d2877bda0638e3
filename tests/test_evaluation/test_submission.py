"""Submission files: what each official script parses (formats stated in
oclip_mmocr/evaluation/submission.py and tests/official_readings.py), and
tools/make_submission.py on a dumped prediction file."""
import pickle
import subprocess
import sys
import zipfile

import numpy as np
import pytest
import torch

from oclip_mmocr.evaluation.submission import (FORMATS, rrc_is_clockwise,
                                               submission_file_name,
                                               submission_polygon,
                                               write_submission)
from oclip_mmocr.utils.polygon_repair import is_simple_polygon
from tests.helpers import REPO
from tests.official_readings import read_rrc_zip


def pred_sample(img_path, polys, texts=None, scores=None):
    pred = dict(polygons=[np.asarray(p, np.float32) for p in polys],
                scores=torch.tensor(scores or [0.9] * len(polys)))
    if texts is not None:
        pred['texts'] = texts
    return dict(img_path=img_path, pred_instances=pred)


def test_rrc_orientation_rule():
    # Image coordinates (y down): TL, TR, BR, BL is clockwise on screen.
    assert rrc_is_clockwise([0, 0, 10, 0, 10, 5, 0, 5])
    assert not rrc_is_clockwise([0, 0, 0, 5, 10, 5, 10, 0])


def test_submission_polygon_rules():
    # Integers, nearest.
    np.testing.assert_array_equal(
        submission_polygon([0.4, 0.6, 10.5, 0.2, 10.6, 5.4, 0.2, 5.5]),
        [0, 1, 10, 0, 11, 5, 0, 6])
    # RRC: counter-clockwise quads are reversed; 6 vertices -> rectangle.
    q = submission_polygon([0, 0, 0, 5, 10, 5, 10, 0], quadrilateral=True)
    assert len(q) == 8 and rrc_is_clockwise(q)
    q = submission_polygon([0, 0, 50, -4, 100, 0, 100, 10, 50, 6, 0, 10],
                           quadrilateral=True)
    assert len(q) == 8 and rrc_is_clockwise(q)
    assert sorted(set(q[0::2])) == [0, 100] and sorted(set(q[1::2])) == [-4,
                                                                         10]
    # A sliver that rounding would fold or flatten: left out.
    assert submission_polygon([0, 0, 10, 0.2, 20, 0.1, 10, 0.3]) is None
    # A polygon that rounding makes self-intersecting is repaired.
    wavy = np.array([0, 0, 10, 0.4, 10.2, 0.6, 20, 0, 20, 10, 0, 10])
    out = submission_polygon(wavy)
    assert out is not None and is_simple_polygon(out)
    assert out.dtype == np.int64


def test_file_names():
    assert submission_file_name('imgs/test/img_7.jpg',
                                'icdar2015-det') == 'res_img_7.txt'
    assert submission_file_name('img12.jpg', 'totaltext-det') == 'img12.txt'
    assert submission_file_name('img12.jpg',
                                'totaltext-e2e') == '0000012.txt'
    assert submission_file_name('1001.jpg', 'ctw1500-det') == '1001.txt'
    with pytest.raises(ValueError, match=r'photo\.jpg.*img_<n>'):
        submission_file_name('data/photo.jpg', 'icdar2015-e2e')


def test_icdar2015_zip(tmp_path):
    samples = [
        pred_sample('imgs/test/img_1.jpg',
                    [[10, 10, 10, 30, 60, 30, 60, 10],  # counter-clockwise
                     [0, 0, 5, 0, 5, 5, 0, 5]],
                    texts=['Hello, world', '"quoted"'], scores=[0.9, 0.2]),
        pred_sample('imgs/test/img_2.jpg', []),
    ]
    samples[1]['pred_instances']['texts'] = []
    out = tmp_path / 'e2e.zip'
    stats = write_submission(samples, 'icdar2015-e2e', str(out),
                             score_thr=0.5)
    assert stats == dict(files=2, lines=1, lost=0)
    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == ['res_img_1.txt', 'res_img_2.txt']
        assert zf.read('res_img_2.txt') == b''
    dets = read_rrc_zip(str(out), with_text=True)  # checks clockwise too
    assert dets['img_1'][0][1] == 'Hello, world'
    # A transcription in double quotes survives the RRC parser's unquoting.
    samples[0]['pred_instances']['scores'] = torch.tensor([0.9, 0.9])
    write_submission(samples, 'icdar2015-e2e', str(out))
    assert read_rrc_zip(str(out), True)['img_1'][1][1] == '"quoted"'
    # Detection: 8 integers per line.
    write_submission(samples, 'icdar2015-det', str(tmp_path / 'det.zip'))
    with zipfile.ZipFile(tmp_path / 'det.zip') as zf:
        line = zf.read('res_img_1.txt').decode().splitlines()[0]
    assert len(line.split(',')) == 8 and all(
        v.lstrip('-').isdigit() for v in line.split(','))


def test_totaltext_and_ctw1500_folders(tmp_path):
    poly = [10, 20, 30, 20, 30, 40, 10, 40, 5, 30]
    s = [pred_sample('imgs/test/img3.jpg', [poly], ['word'])]
    write_submission(s, 'totaltext-det', str(tmp_path / 'yx'))
    assert (tmp_path / 'yx/img3.txt').read_text() == \
        '20,10,20,30,40,30,40,10,30,5\n'
    write_submission(s, 'totaltext-det', str(tmp_path / 'xy'), order='xy')
    assert (tmp_path / 'xy/img3.txt').read_text() == \
        '10,20,30,20,30,40,10,40,5,30\n'
    write_submission(s, 'totaltext-e2e', str(tmp_path / 'tt.zip'))
    with zipfile.ZipFile(tmp_path / 'tt.zip') as zf:
        assert zf.read('0000003.txt').decode() == \
            '10,20,30,20,30,40,10,40,5,30,####word\n'
    c = [pred_sample('imgs/test/1003.jpg', [poly])]
    write_submission(c, 'ctw1500-det', str(tmp_path / 'ctw'))
    assert (tmp_path / 'ctw/1003.txt').read_text() == \
        '10,20,30,20,30,40,10,40,5,30\n'


def test_bad_input(tmp_path):
    det_only = [pred_sample('img_1.jpg', [[0, 0, 9, 0, 9, 9, 0, 9]])]
    with pytest.raises(ValueError, match='needs transcriptions'):
        write_submission(det_only, 'icdar2015-e2e', str(tmp_path / 'a.zip'))
    with pytest.raises(ValueError, match='format must be one of'):
        write_submission(det_only, 'cocotext', str(tmp_path / 'a.zip'))
    twice = det_only + [pred_sample('other/img_1.png', [])]
    with pytest.raises(ValueError, match='second image maps to res_img_1'):
        write_submission(twice, 'icdar2015-det', str(tmp_path / 'a.zip'))
    assert not (tmp_path / 'a.zip').exists()  # nothing half written
    with pytest.raises(ValueError, match='holds no file'):
        write_submission([], 'icdar2015-det', str(tmp_path / 'a.zip'))


def test_every_written_file_is_read_by_its_script(tmp_path):
    """A submission the named script would skip or misread fails here:
    files named otherwise (the script reads none of them and reports zeros
    without an error), a line of another layout, and a transcription with
    a line break (it would split a detection in two)."""
    from oclip_mmocr.evaluation.submission import (SCRIPTS, check_submission,
                                                   check_submission_files)
    poly = [[0, 0, 30, 0, 30, 8, 0, 8]]
    s = pred_sample('img1.jpg', poly, texts=['two\nlines'])
    out = str(tmp_path / 'tt.zip')
    write_submission([s], 'totaltext-e2e', out)
    assert check_submission(out, 'totaltext-e2e') == 1
    with zipfile.ZipFile(out) as zf:
        assert zf.read('0000001.txt').decode() == (
            '0,0,30,0,30,8,0,8,####two lines\n')
    # A Deteval_rec.py-style folder (img<n>.txt, y,x, plain text) holds no
    # file AdelaiDet's script reads: said, not scored as 0/0/0.
    folder = tmp_path / 'yx'
    folder.mkdir()
    (folder / 'img1.txt').write_text('0,0,0,30,8,30,8,0,word\n')
    with pytest.raises(ValueError, match='holds no file AdelaiDet'):
        check_submission(str(folder), 'totaltext-e2e')
    with pytest.raises(ValueError, match=r'0000001.txt line 2'):
        check_submission_files(
            {'0000001.txt': '0,0,30,0,30,8,0,8,####a\n0,0,30,0,30,8,word\n'},
            'totaltext-e2e')
    with pytest.raises(ValueError, match='res_img_1.txt line 1'):
        check_submission_files({'res_img_1.txt': '0,0,1,1,2,2\n'},
                               'icdar2015-det')
    assert set(SCRIPTS) == set(FORMATS)


def test_make_submission_tool(tmp_path):
    samples = [pred_sample('imgs/test/img_5.jpg',
                           [[0, 0, 40, 0, 40, 12, 0, 12]], ['EXIT'])]
    pkl = tmp_path / 'preds.pkl'
    pkl.write_bytes(pickle.dumps(samples))
    out = tmp_path / 'sub.zip'
    proc = subprocess.run(
        [sys.executable, 'tools/make_submission.py', str(pkl),
         'icdar2015-e2e', str(out)], cwd=REPO, capture_output=True,
        text=True)
    assert proc.returncode == 0, proc.stderr
    assert '1 result files, 1 predictions' in proc.stdout
    assert read_rrc_zip(str(out), True)['img_5'][0][1] == 'EXIT'
    # A file that is not a dump: one line naming it.
    bad = tmp_path / 'bad.pkl'
    bad.write_text('not a pickle')
    proc = subprocess.run(
        [sys.executable, 'tools/make_submission.py', str(bad),
         'icdar2015-det', str(out)], cwd=REPO, capture_output=True,
        text=True)
    assert proc.returncode == 1
    assert str(bad) in proc.stderr and 'tools/test.py --dump' in proc.stderr
    assert 'Traceback' not in proc.stderr
