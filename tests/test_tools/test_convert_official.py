import subprocess
import sys

import pytest
import torch
from mmengine.config import Config

from mmocr.registry import MODELS
from oclip_mmocr.utils import load_checkpoint_file
from tests.helpers import REPO
from tests.helpers import PickleMarker
from tests.test_utils.test_official_checkpoint import read_tsv


@pytest.mark.slow
def test_convert_released_layout_end_to_end(tmp_path):
    """A checkpoint in the released layout (random values, the real names and
    shapes) converts to a full OCLIP checkpoint and a strict backbone."""
    shapes = read_tsv('oclip_official_RN50_state_dict_keys.tsv')
    g = torch.Generator().manual_seed(0)
    state = {k: torch.randn(s, generator=g) if s else torch.tensor(1.)
             for k, s in shapes.items()}
    src = tmp_path / 'RN50.pt'
    torch.save(dict(epoch=100, name='RN50', state_dict=state), src)
    out = tmp_path / 'out'
    proc = subprocess.run(
        [sys.executable, 'tools/convert_official_checkpoint.py', str(src),
         str(out)], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert '494 tensors mapped' in proc.stdout
    full = load_checkpoint_file(str(out / 'oclip_full.pth'))['state_dict']
    assert len(full) == 494
    torch.testing.assert_close(full['text_encoder.token_embedding.weight'],
                               state['module.token_embedding.weight'])
    torch.testing.assert_close(
        full['image_encoder.backbone.layer2.0.downsample.1.weight'],
        state['module.visual.layer2.0.downsample.0.weight'])
    backbone = load_checkpoint_file(str(out / 'backbone.pth'))
    torch.testing.assert_close(backbone['stem.0.weight'],
                               state['module.visual.conv1.weight'])
    proc = subprocess.run(
        [sys.executable, 'tools/export_backbone.py', '--verify-only',
         str(out / 'backbone.pth')], cwd=REPO, capture_output=True,
        text=True)
    assert proc.returncode == 0, proc.stderr
    assert '0 missing, 0 unexpected' in proc.stdout

    # ... and drops into a finetune config, as does a file in the layout of
    # MMOCR's released resnet50-oclip-7ba0c533.pth (bytedance/oclip's
    # tools/convert2mmocr.py: visual.* without attnpool, stem and
    # downsample renamed, a bare dict).
    stem = {'conv1': 'stem.0', 'bn1': 'stem.1', 'conv2': 'stem.3',
            'bn2': 'stem.4', 'conv3': 'stem.6', 'bn3': 'stem.7'}
    mmocr_layout = {}
    for k, v in state.items():
        if not k.startswith('module.visual.') or 'attnpool' in k:
            continue
        k = k[len('module.visual.'):]
        head, _, rest = k.partition('.')
        k = f'{stem[head]}.{rest}' if head in stem else k
        k = k.replace('downsample.1', 'downsample.2').replace(
            'downsample.0', 'downsample.1')
        mmocr_layout[k] = v
    mmocr_file = tmp_path / 'resnet50-oclip-7ba0c533.pth'
    torch.save(mmocr_layout, mmocr_file)
    cfg = Config.fromfile(
        f'{REPO}/configs/finetune/dbnet/dbnet_r50-oclip_1200e_icdar2015.py')
    for path in (out / 'backbone.pth', mmocr_file):
        cfg.model.backbone.init_cfg.checkpoint = str(path)
        model = MODELS.build(cfg.model)
        model.init_weights()
        torch.testing.assert_close(model.backbone.stem[0].weight,
                                   state['module.visual.conv1.weight'])
        torch.testing.assert_close(
            model.backbone.layer3[0].downsample[2].running_var,
            state['module.visual.layer3.0.downsample.1.running_var'])


def _run(*args):
    return subprocess.run([sys.executable, 'tools/convert_official_checkpoint.py',
                           *map(str, args)], cwd=REPO, capture_output=True,
                          text=True)


def test_help_needs_no_heavy_import():
    """``--help`` answers before torch / MMOCR are imported."""
    code = ('import runpy, sys\n'
            'sys.argv = ["convert_official_checkpoint.py", "--help"]\n'
            'try:\n'
            '    runpy.run_path("tools/convert_official_checkpoint.py", '
            'run_name="__main__")\n'
            'except SystemExit:\n'
            '    pass\n'
            'print(sorted(m for m in ("torch", "mmocr", "mmengine", '
            '"oclip_mmocr") if m in sys.modules))\n')
    proc = subprocess.run([sys.executable, '-c', code], cwd=REPO,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert '--to-released' in proc.stdout
    assert proc.stdout.strip().splitlines()[-1] == '[]'



def test_bad_inputs_get_one_line_errors(tmp_path):
    missing = tmp_path / 'nope.pt'
    garbage = tmp_path / 'garbage.pt'
    garbage.write_bytes(b'not a checkpoint at all')
    evil = tmp_path / 'evil.pt'
    marker = tmp_path / 'marker'
    torch.save({'state_dict': {'x': PickleMarker(marker)}}, evil)
    ours = tmp_path / 'ours.pth'
    torch.save({'state_dict': {'image_encoder.backbone.stem.0.weight':
                               torch.zeros(1)}}, ours)
    backbone = tmp_path / 'backbone.pth'
    torch.save({'stem.0.weight': torch.zeros(1)}, backbone)
    cases = [(missing, 'no such file'),
             (garbage, 'not a readable checkpoint'),
             (evil, 'refused: unpickling it would run code'),
             (ours, 'already an oclip_mmocr checkpoint; use '
              'tools/export_backbone.py'),
             (backbone, 'holds a bare backbone')]
    for path, expected in cases:
        proc = _run(path, tmp_path / 'out')
        assert proc.returncode == 1, (path, proc.stdout)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith('error: '), \
            proc.stderr
        assert expected in lines[0] and str(path) in lines[0], lines[0]
    assert not marker.exists()
    proc = _run('--to-released', backbone, tmp_path / 'x.pt')
    assert proc.returncode == 1 and 'not a full oclip_mmocr' in proc.stderr


def test_to_released_round_trip(tmp_path):
    """Ours -> released layout (the file the released code loads) -> ours:
    every tensor back under its own name, equal."""
    from oclip_mmocr.utils.official_checkpoint import official_to_oclip
    from tests.helpers import tiny_model_cfg
    torch.manual_seed(0)
    model = MODELS.build(tiny_model_cfg())
    src = tmp_path / 'epoch_1.pth'
    torch.save(dict(meta=dict(epoch=1), state_dict=model.state_dict()), src)
    out = tmp_path / 'released' / 'RN50_ours.pt'
    proc = _run('--to-released', src, out)
    assert proc.returncode == 0, proc.stderr
    # What the file is for, said where it is written: the released
    # main.py --pretrained reads state_dict only; its --resume would need
    # epoch and its own optimizer state, which are not there.
    assert 'for the released main.py --pretrained, not --resume' in \
        proc.stdout
    saved = load_checkpoint_file(str(out))
    assert set(saved) == {'state_dict'}
    released = saved['state_dict']
    assert all(k.startswith('module.') for k in released)
    assert 'module.visual.conv1.weight' in released
    back = official_to_oclip({k[7:]: v for k, v in released.items()})
    state = model.state_dict()
    assert set(back) == set(state)
    for k, v in state.items():
        assert torch.equal(back[k], v), k
    # The reverse is refused on an already released file.
    proc = _run('--to-released', out, tmp_path / 'again.pt')
    assert proc.returncode == 1 and 'already in the released' in proc.stderr
