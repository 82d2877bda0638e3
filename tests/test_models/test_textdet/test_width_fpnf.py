"""WidthFPNF: MMOCR's FPNF at any width."""

import pytest
import torch

from mmocr.registry import MODELS


def test_width_fpnf_is_mmocr_fpnf_at_any_width():
    """WidthFPNF at 256 channels has MMOCR's FPNF's keys and shapes; at 64
    it runs (MMOCR's own fails there) and outputs 64 channels at the
    finest level's size, for both fusions."""
    from mmengine.registry import init_default_scope
    init_default_scope('mmocr')
    feats = [torch.randn(1, c, 32 // 2**i, 32 // 2**i)
             for i, c in enumerate((64, 128, 256, 512))]
    ours = MODELS.build(dict(type='WidthFPNF', in_channels=[64, 128, 256,
                                                            512]))
    ref = MODELS.build(dict(type='FPNF', in_channels=[64, 128, 256, 512]))
    assert {k: v.shape for k, v in ours.state_dict().items()} == \
        {k: v.shape for k, v in ref.state_dict().items()}
    for fusion in ('concat', 'add'):
        neck = MODELS.build(dict(type='WidthFPNF', in_channels=[64, 128, 256,
                                                                512],
                                 out_channels=64, fusion_type=fusion))
        assert neck(feats).shape == (1, 64, 32, 32)
    with pytest.raises(RuntimeError):
        MODELS.build(dict(type='FPNF', in_channels=[64, 128, 256, 512],
                          out_channels=64))(feats)
