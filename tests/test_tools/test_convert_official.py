import subprocess
import sys

import pytest
import torch

from oclip_mmocr.utils import load_checkpoint_file
from tests.conftest import REPO
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
