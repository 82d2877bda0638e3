"""Every pretraining config parses and builds its model."""
import glob
import os.path as osp

import pytest
from mmengine.config import Config

from mmocr.registry import MODELS
from tests.conftest import REPO

CONFIGS = sorted(glob.glob(osp.join(REPO, 'configs/pretrain/*.py')))


def test_all_configs_found():
    assert len(CONFIGS) == 7


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_builds(path, tmp_path):
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'mmocr'
    assert cfg.custom_imports['imports'] == ['oclip_mmocr']
    assert any(h['type'] == 'ExportBackboneHook' for h in cfg.custom_hooks)
    if 'lsvt' in path:
        # The LSVT dictionary comes from the data; use a stand-in.
        dict_file = tmp_path / 'dict.txt'
        dict_file.write_text('\n'.join(chr(0x4E00 + i) for i in range(5251)),
                             encoding='utf-8')
        cfg.model.dictionary.dict_file = str(dict_file)
    model = MODELS.build(cfg.model)
    name = osp.basename(path)
    if 'demo' not in name:
        depth = 101 if 'r101' in name else 50
        assert model.image_encoder.backbone.depth == depth
        assert model.image_encoder.attnpool.positional_embedding.shape == (
            257, 2048)
        vocab = 5254 if 'lsvt' in name else 97
        assert model.text_encoder.token_embedding.weight.shape[0] == vocab
        width = 384 if 'lsvt' in name else 64
        assert model.text_encoder.positional_embedding.shape == (25, width)
    assert (model.decoder is None) == ('no_decoder' in name)
    assert model.use_contrastive == ('no_contrastive' not in name)
    released = 'released' in name
    assert model.text_pooling == ('all_slots' if released else 'words')
    assert model.loss_contrastive.halve == released
