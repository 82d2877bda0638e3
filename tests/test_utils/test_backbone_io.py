import pytest
import torch

from mmocr.registry import MODELS
from oclip_mmocr.utils import (BackboneKeyMismatchError, extract_backbone,
                               load_backbone_strict)
from tests.helpers import tiny_model_cfg


def _export(tmp_path):
    model = MODELS.build(tiny_model_cfg(64))
    state = extract_backbone(model.state_dict())
    path = str(tmp_path / 'backbone.pth')
    torch.save(state, path)
    return model, state, path


def test_export_round_trip_is_strict(tmp_path):
    model, state, path = _export(tmp_path)
    backbone = MODELS.build(dict(type='CLIPResNet', base_channels=8,
                                 out_indices=(3, )))
    load_backbone_strict(backbone, path)
    assert set(backbone.state_dict()) == set(state)
    for k, v in backbone.state_dict().items():
        assert torch.equal(v, model.image_encoder.backbone.state_dict()[k])
    # Only tensors, nothing pickled beyond them.
    assert all(torch.is_tensor(v) for v in torch.load(
        path, weights_only=True).values())


def test_renamed_key_is_refused_with_the_list(tmp_path):
    _, state, path = _export(tmp_path)
    state['layer1.0.conv1.weight_renamed'] = state.pop('layer1.0.conv1.weight')
    torch.save(state, path)
    backbone = MODELS.build(dict(type='CLIPResNet', base_channels=8))
    with pytest.raises(BackboneKeyMismatchError) as e:
        load_backbone_strict(backbone, path)
    assert e.value.missing == ['layer1.0.conv1.weight']
    assert e.value.unexpected == ['layer1.0.conv1.weight_renamed']
    assert 'backbone.pth' in str(e.value)


def test_wrong_width_is_refused(tmp_path):
    """Which side is which, and the likely cause (the user's case: the
    demo's base-width-16 trunk into an R50 config)."""
    _, _, path = _export(tmp_path)
    backbone = MODELS.build(dict(type='CLIPResNet', base_channels=16))
    with pytest.raises(BackboneKeyMismatchError,
                       match=r'shape mismatch, file vs model: .*\(8, 8, 3, '
                       r'3\) vs \(16, 16, 3, 3\)') as e:
        load_backbone_strict(backbone, path)
    assert 'likely cause: this file is a base-width-8 CLIPResNet trunk; ' \
        'the model is base width 16' in str(e.value)
    demo = MODELS.build(dict(type='CLIPResNet', base_channels=16))
    torch.save(demo.state_dict(), tmp_path / 'demo.pth')
    r50 = MODELS.build(dict(type='CLIPResNet'))
    with pytest.raises(BackboneKeyMismatchError,
                       match='base-width-16 .*use the \*_demo-\* configs'):
        load_backbone_strict(r50, str(tmp_path / 'demo.pth'))


def test_strict_pretrained_init_cfg(tmp_path):
    model, _, path = _export(tmp_path)
    backbone = MODELS.build(
        dict(type='CLIPResNet', base_channels=8,
             init_cfg=dict(type='StrictPretrained', checkpoint=path)))
    backbone.init_weights()
    ref = model.image_encoder.backbone.state_dict()
    for k, v in backbone.state_dict().items():
        assert torch.equal(v, ref[k]), k
    bad = MODELS.build(
        dict(type='CLIPResNet', depth=101, base_channels=8,
             init_cfg=dict(type='StrictPretrained', checkpoint=path)))
    with pytest.raises(BackboneKeyMismatchError, match='missing'):
        bad.init_weights()
    # A full checkpoint works with the prefix.
    full = str(tmp_path / 'full.pth')
    torch.save(dict(state_dict=model.state_dict()), full)
    from_full = MODELS.build(
        dict(type='CLIPResNet', base_channels=8,
             init_cfg=dict(type='StrictPretrained', checkpoint=full,
                           prefix='image_encoder.backbone.')))
    from_full.init_weights()
