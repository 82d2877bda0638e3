"""model-index.yml lists one metafile per detector folder, and each
metafile lists exactly that folder's top-level configs, with the fields
mim and MMEngine read (a missing file or a model without ``Config`` would
break every ``oclip_mmocr::`` config lookup)."""
import glob
import os.path as osp

import yaml

from tests.helpers import REPO


def _load(path):
    with open(osp.join(REPO, path), encoding='utf-8') as f:
        return yaml.safe_load(f)


def test_every_detector_folder_has_a_listed_metafile():
    imports = _load('model-index.yml')['Import']
    folders = sorted(
        osp.relpath(osp.dirname(p), REPO)
        for p in glob.glob(osp.join(REPO, 'configs/finetune/*/*.py'))
        if '/_base_/' not in p)
    assert sorted(osp.dirname(p) for p in imports) == sorted(set(folders))
    for path in imports:
        assert osp.isfile(osp.join(REPO, osp.dirname(path), 'README.md'))


def test_metafiles_list_their_folders_configs():
    for path in _load('model-index.yml')['Import']:
        meta = _load(path)
        (collection, ) = meta['Collections']
        assert osp.isfile(osp.join(REPO, collection['README']))
        folder = osp.dirname(path)
        configs = sorted(
            osp.relpath(p, REPO)
            for p in glob.glob(osp.join(REPO, folder, '*.py'))
            if not osp.basename(p).startswith('_'))
        assert sorted(m['Config'] for m in meta['Models']) == configs
        for model in meta['Models']:
            assert model['In Collection'] == collection['Name']
            assert model['Name'] == osp.splitext(
                osp.basename(model['Config']))[0]
