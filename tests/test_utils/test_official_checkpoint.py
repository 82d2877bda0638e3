
import pytest
import torch

from mmocr.registry import MODELS
from oclip_mmocr.utils.official_checkpoint import (build_model_cfg,
                                                   infer_model_cfg,
                                                   official_to_oclip,
                                                   oclip_to_official)
from tests.helpers import skip_without_shared


def read_tsv(name):
    path = skip_without_shared('reference', name)
    shapes = {}
    with open(path) as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            key, shape = line.rstrip('\n').split('\t')
            shapes[key] = tuple(int(s) for s in shape.strip('()').split(',')
                                if s.strip())
    return shapes


def _check(tsv, dict_file=None, text_width=64):
    official = read_tsv(tsv)
    assert len(official) == 494
    stripped = {k[len('module.'):]: torch.empty(s)
                for k, s in official.items()}
    hp = infer_model_cfg(stripped)
    assert hp['depth'] == 50 and hp['grid_size'] == 16
    assert hp['text_width'] == text_width
    model = MODELS.build(build_model_cfg(hp, dict_file))
    ours = official_to_oclip(stripped)
    expected = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    assert len(ours) == len(stripped) == 494  # nothing dropped or merged
    assert set(ours) == set(expected)
    for k, v in ours.items():
        assert tuple(v.shape) == expected[k], k
    back = oclip_to_official(ours)
    assert set(back) == set(stripped)
    assert set(oclip_to_official(model.state_dict())) == set(stripped)


def test_rn50_layout_maps_every_tensor():
    _check('oclip_official_RN50_state_dict_keys.tsv')


def test_rn50_lsvt_layout_maps_every_tensor(tmp_path):
    # The LSVT model has 5254 ids = 5251 characters + pad, mask, end.
    chars = [chr(0x4E00 + i) for i in range(5251)]
    dict_file = tmp_path / 'dict.txt'
    dict_file.write_text('\n'.join(chars) + '\n', encoding='utf-8')
    _check('oclip_official_RN50_lsvt_state_dict_keys.tsv', str(dict_file),
           text_width=384)


def test_unknown_key_is_reported():
    with pytest.raises(KeyError, match='no mapping'):
        official_to_oclip({'visual.fancy_head.weight': torch.zeros(1)})
