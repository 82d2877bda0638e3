"""Running trained models on a folder of images, as the README shows: MMOCR's
inferencers and `mim run mmocr infer` / `mim test mmocr --show-dir` with our
configs, tools/test.py --show-dir, and tools/infer.py for a detector and
for the spotter (whose texts MMOCRInferencer would drop). Random weights:
what is checked is that every image gets a drawing and a JSON file in the
documented format."""
import json
import os
import os.path as osp
import shutil
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config

from mmocr.registry import MODELS
from tests.helpers import REPO, shared_path, skip_without_shared
from tests.finetune_helpers import narrow_spotter

pytestmark = pytest.mark.slow

IMAGES = shared_path('data', 'icdar2015_sample', 'imgs', 'test')
DET = osp.join(REPO, 'configs/finetune/dbnet/dbnet_demo-scratch_synthetic.py')


def _images():
    images = skip_without_shared('data', 'icdar2015_sample', 'imgs', 'test')
    return sorted(f for f in os.listdir(images) if f.endswith('.jpg'))


def _save_random(cfg, path):
    model = MODELS.build(cfg.model)
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), path)
    return str(path)


@pytest.fixture(scope='module')
def det_weights(tmp_path_factory):
    return _save_random(Config.fromfile(DET),
                        tmp_path_factory.mktemp('det') / 'dbnet.pth')


def _check_outputs(out_dir, names, keys):
    for name in names:
        stem = osp.splitext(name)[0]
        assert osp.isfile(osp.join(out_dir, 'vis', name)), name
        pred = json.load(open(osp.join(out_dir, 'preds', f'{stem}.json')))
        assert keys <= set(pred), (name, set(pred))


def test_mmocr_inferencers_run_our_detector(det_weights, tmp_path):
    from mmocr.apis import MMOCRInferencer, TextDetInferencer
    names = _images()
    out = str(tmp_path / 'det')
    TextDetInferencer(model=DET, weights=det_weights, device='cpu')(
        IMAGES, out_dir=out, save_vis=True, save_pred=True)
    _check_outputs(out, names, {'polygons', 'scores'})
    out = str(tmp_path / 'ocr')
    MMOCRInferencer(det=DET, det_weights=det_weights, device='cpu')(
        IMAGES, out_dir=out, save_vis=True, save_pred=True)
    _check_outputs(out, names, {'det_polygons', 'det_scores'})


def test_mim_infer_and_mim_test_show_dir(det_weights, tmp_path):
    mim = shutil.which('mim', path=osp.dirname(sys.executable))
    if mim is None:
        pytest.skip('openmim is not installed')
    names = _images()
    out = tmp_path / 'infer'
    proc = subprocess.run(
        [mim, 'run', 'mmocr', 'infer', IMAGES, '--det', DET, '--det-weights',
         det_weights, '--out-dir', str(out), '--save_vis', '--save_pred',
         '--device', 'cpu'], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    _check_outputs(str(out), names, {'det_polygons'})
    # mim test on the config's own (generated) test set, drawn.
    show = tmp_path / 'show'
    proc = subprocess.run(
        [mim, 'test', 'mmocr', DET, '--checkpoint', det_weights,
         '--show-dir', str(show), '--work-dir', str(tmp_path / 'work'),
         '--cfg-options', 'test_dataloader.dataset.num_images=4',
         'test_dataloader.num_workers=0',
         'test_dataloader.persistent_workers=False'],
        cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    drawn = [f for _, _, fs in os.walk(tmp_path / 'work') for f in fs
             if f.endswith('.png') or f.endswith('.jpg')]
    drawn += [f for _, _, fs in os.walk(show) for f in fs]
    assert len(drawn) >= 4, drawn


def test_tools_test_show_dir(det_weights, tmp_path):
    show = tmp_path / 'show'
    proc = subprocess.run(
        [sys.executable, osp.join(REPO, 'tools/test.py'), DET, det_weights,
         '--show-dir', str(show), '--work-dir', str(tmp_path / 'work'),
         '--cfg-options', 'test_dataloader.dataset.num_images=4',
         'test_dataloader.num_workers=0',
         'test_dataloader.persistent_workers=False'],
        cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    drawn = [f for _, _, fs in os.walk(show) for f in fs
             if f.endswith('.png')]
    assert len(drawn) == 4, drawn


def test_tools_infer_detector_and_spotter(det_weights, tmp_path):
    names = _images()
    out = tmp_path / 'det'
    proc = subprocess.run(
        [sys.executable, 'tools/infer.py', IMAGES, '--det', DET,
         '--det-weights', det_weights, '--out-dir', str(out), '--device',
         'cpu'], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert f'{len(names)} images' in proc.stdout
    _check_outputs(str(out), names, {'polygons', 'scores'})

    # A demo-width spotter, tested at 320 px.
    cfg = Config.fromfile(osp.join(
        REPO, 'configs/finetune/mts/mts_r50-imagenet_300e_icdar2015.py'))
    c = 32
    cfg.model.backbone = dict(type='CLIPResNet', depth=50, base_channels=8,
                              norm_eval=False)
    narrow_spotter(cfg, c, [32, 64, 128, 256])
    for t in cfg.test_dataloader.dataset.pipeline:
        if t['type'] == 'Resize':
            t['scale'] = (320, 320)
    config = str(tmp_path / 'spotter.py')
    cfg.dump(config)
    weights = _save_random(cfg, tmp_path / 'spotter.pth')
    out = tmp_path / 'spot'
    proc = subprocess.run(
        [sys.executable, 'tools/infer.py', IMAGES, '--spot', config,
         '--spot-weights', weights, '--out-dir', str(out), '--device',
         'cpu'], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    _check_outputs(str(out), names, {'polygons', 'texts', 'scores'})
    # Bad input: one clear line.
    proc = subprocess.run(
        [sys.executable, 'tools/infer.py', str(tmp_path / 'nothing'),
         '--spot', config, '--spot-weights', weights], cwd=REPO,
        capture_output=True, text=True)
    assert proc.returncode == 1 and 'error: no image found' in proc.stderr


def test_tools_infer_skips_unreadable_images(det_weights, tmp_path):
    """A 0-byte .jpg, a truncated JPEG and a text file named .png among
    real images: each is skipped with a warning naming it, every real image
    still gets its outputs, the summary counts both; a folder of nothing
    readable exits non-zero."""
    names = _images()[:2]
    folder = tmp_path / 'imgs'
    folder.mkdir()
    for n in names:
        shutil.copy(osp.join(IMAGES, n), folder / n)
    (folder / 'a_empty.jpg').write_bytes(b'')
    raw = open(osp.join(IMAGES, names[0]), 'rb').read()
    (folder / 'b_truncated.jpg').write_bytes(raw[:200])
    (folder / 'c_notes.png').write_text('not an image')
    out = tmp_path / 'out'
    cmd = [sys.executable, 'tools/infer.py', str(folder), '--det', DET,
           '--det-weights', det_weights, '--out-dir', str(out), '--device',
           'cpu']
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    for bad in ('a_empty.jpg', 'b_truncated.jpg', 'c_notes.png'):
        assert f'skipped {folder / bad}' in proc.stderr, bad
    assert '2 images read, 3 skipped' in proc.stdout
    _check_outputs(str(out), names, {'polygons', 'scores'})
    assert sorted(os.listdir(out / 'preds')) == sorted(
        osp.splitext(n)[0] + '.json' for n in names)

    for n in names:
        os.remove(folder / n)
    cmd[cmd.index(str(out))] = str(tmp_path / 'out2')
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 1
    assert '0 images read, 3 skipped' in proc.stdout
    assert 'error: no image could be read' in proc.stderr
