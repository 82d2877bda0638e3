"""utils/checkpoint_check.py: a backbone with NaN/inf is refused by the
strict loader and the export tool, naming the tensor."""
import subprocess
import sys

import pytest
import torch

from oclip_mmocr.utils.checkpoint_check import NonFiniteTensorError
from tests.helpers import REPO


def test_nan_backbone_is_refused_by_the_loader_and_the_tools(tmp_path):
    from mmocr.registry import MODELS
    from oclip_mmocr.utils import load_backbone_strict
    backbone = MODELS.build(dict(type='CLIPResNet', base_channels=8,
                                 out_indices=(3, )))
    state = backbone.state_dict()
    state['layer2.0.conv1.weight'][0, 0, 0, 0] = float('inf')
    path = tmp_path / 'backbone.pth'
    torch.save(state, path)
    with pytest.raises(NonFiniteTensorError, match='layer2.0.conv1.weight'):
        load_backbone_strict(backbone, str(path))
    proc = subprocess.run(
        [sys.executable, 'tools/export_backbone.py', '--verify-only',
         str(path)], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 1 and 'layer2.0.conv1.weight' in proc.stderr
