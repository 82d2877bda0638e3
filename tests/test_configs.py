"""Every pretraining config parses and builds its model."""
import argparse
import glob
import os
import os.path as osp

import pytest
from mmengine.config import Config

from mmocr.registry import MODELS
from oclip_mmocr.utils.cli import add_runner_args, load_runner_config
from tests.helpers import REPO

CONFIGS = sorted(glob.glob(osp.join(REPO, 'configs/pretrain/*.py')))


def test_all_configs_found():
    # demo, R101, R50 x (SynthText, released, 5 ablations), LSVT x 2
    assert len(CONFIGS) == 11


def _load(path, options):
    """The config as tools/train.py loads it with ``--cfg-options``."""
    parser = argparse.ArgumentParser()
    parser.add_argument('config')
    add_runner_args(parser)
    args = parser.parse_args([path, '--cfg-options', *options])
    return load_runner_config(args.config, args)


@pytest.mark.parametrize('name', ['oclip_r50_lsvt.py',
                                  'oclip_r50_lsvt_released.py'])
def test_lsvt_root_drives_the_dataset_and_the_model(name, monkeypatch):
    """One variable moves the LSVT data and both dictionaries; the
    dictionary file alone can be moved too; the environment works for any
    tool (MMOCR's train.py included)."""
    for var in ('OCLIP_LSVT_ROOT', 'OCLIP_LSVT_DICT'):
        monkeypatch.delenv(var, raising=False)
    path = osp.join(REPO, 'configs/pretrain', name)
    cfg = Config.fromfile(path)
    assert cfg.model.dictionary.dict_file == 'data/lsvt/dict.txt'
    cfg = _load(path, ['lsvt_root=/data/LSVT'])
    ds = cfg.train_dataloader.dataset
    assert ds.data_root == '/data/LSVT'
    assert ds.dictionary.dict_file == '/data/LSVT/dict.txt'
    assert cfg.model.dictionary.dict_file == '/data/LSVT/dict.txt'
    # The option was a variable only while the config was parsed.
    assert 'OCLIP_LSVT_ROOT' not in os.environ
    cfg = _load(path, ['lsvt_dict=/d/released_dict.txt'])
    assert cfg.train_dataloader.dataset.data_root == 'data/lsvt'
    assert cfg.model.dictionary.dict_file == '/d/released_dict.txt'
    assert cfg.train_dataloader.dataset.dictionary.dict_file == \
        '/d/released_dict.txt'
    assert 'OCLIP_LSVT_DICT' not in os.environ
    monkeypatch.setenv('OCLIP_LSVT_ROOT', '/env/lsvt')
    cfg = Config.fromfile(path)
    assert cfg.model.dictionary.dict_file == '/env/lsvt/dict.txt'
    assert cfg.train_dataloader.dataset.data_root == '/env/lsvt'
    finetune = Config.fromfile(osp.join(
        REPO, 'configs/finetune/dbnet/dbnet_r50-oclip_lsvt.py'))
    assert finetune.train_dataloader.dataset.data_root == '/env/lsvt'


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_builds(path, tmp_path):
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'mmocr'
    assert cfg.custom_imports['imports'] == ['oclip_mmocr']
    assert any(h['type'] == 'ExportBackboneHook' for h in cfg.custom_hooks)
    if 'lsvt' in path:
        # The LSVT dictionary comes from the data; use a stand-in, set the
        # way a user would (one variable for the dataset and the model).
        dict_file = tmp_path / 'dict.txt'
        dict_file.write_text('\n'.join(chr(0x4E00 + i) for i in range(5251)),
                             encoding='utf-8')
        cfg = _load(path, ['lsvt_dict=' + str(dict_file)])
        assert cfg.model.dictionary.dict_file == str(dict_file)
        assert cfg.train_dataloader.dataset.dictionary.dict_file == str(
            dict_file)
    model = MODELS.build(cfg.model)
    name = osp.basename(path)
    if 'demo' not in name:
        depth = 101 if 'r101' in name else 50
        assert model.image_encoder.backbone.depth == depth
        assert model.image_encoder.attnpool.positional_embedding.shape == (
            257, 2048)
        word_level = 'no_cae' in name  # CLIP's BPE ids, 32 token slots
        vocab = 5254 if 'lsvt' in name else 49409 if word_level else 97
        assert model.text_encoder.token_embedding.weight.shape[0] == vocab
        width = 384 if 'lsvt' in name else 64
        slots = 32 if word_level else 25
        assert model.text_encoder.positional_embedding.shape == (slots,
                                                                 width)
        assert type(model.text_encoder).__name__ == (
            'WordTextEncoder' if word_level else 'CharTextEncoder')
    assert (model.decoder is None) == ('no_decoder' in name)
    assert model.use_contrastive == ('no_contrastive' not in name)
    released = 'released' in name
    assert model.text_pooling == ('all_slots' if released else 'words')
    assert model.loss_contrastive.halve == released
