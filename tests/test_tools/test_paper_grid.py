"""tools/paper_grid.py and docs/paper_tables.md: every row runs configs that
exist, every config the page names builds, and each distinct model among
them trains one iteration on tiny data."""
import copy
import os.path as osp
import re

import pytest
import torch
from mmengine.dataset import pseudo_collate
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope

from mmocr.registry import DATASETS, MODELS
from oclip_mmocr.utils.cli import parse_config
from tests.finetune_helpers import shrink_pipeline
from tests.helpers import REPO, import_tool

grid = import_tool('paper_grid')
PAGE = osp.join(REPO, 'docs/paper_tables.md')


def _page_configs():
    text = open(PAGE, encoding='utf-8').read()
    return sorted(set(re.findall(r'configs/[\w/.-]+?\.py', text)))


def test_rows_cover_the_papers_tables_and_name_existing_configs():
    rows = grid.build_rows()
    tables = {r.table for r in rows.values()}
    assert tables == {'ablation', 'portion', 'pretraining', 'detection',
                      'e2e', 'lsvt'}
    assert {n.split('/')[1] for n in rows if n.startswith('ablation/')} == {
        'full', 'no_cae', 'no_vtd', 'no_bcl', 'no_cae_no_vtd',
        'no_cae_no_bcl'}
    for name, row in rows.items():
        for stage in row.stages:
            assert osp.isfile(osp.join(REPO, stage.config)), (name, stage)
    # Rows sharing the full pretraining share its work dir.
    full = {r.stages[0].shared for n, r in rows.items()
            if n in ('ablation/full', 'portion/100',
                     'pretraining/oclip_totaltext')}
    assert full == {'pretrain/oclip_r50_synthtext'}


def test_page_names_every_row_table_and_only_real_configs():
    text = open(PAGE, encoding='utf-8').read()
    for name in grid.build_rows():
        table, row = name.split('/')
        if table in ('ablation', 'portion', 'lsvt', 'e2e'):
            assert row in text or f'{table}/' in text, name
    for path in _page_configs():
        assert osp.isfile(osp.join(REPO, path)), path


def test_dry_run_prints_the_chain_and_done_stages_are_skipped(
        tmp_path, capsys):
    root = str(tmp_path / 'paper')
    grid.main(['run', 'portion/25', '--dry-run', '--work-root', root,
               '--gpus', '2', '--', '--amp'])
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3
    assert out[0].startswith('$ torchrun --nproc-per-node=2 tools/train.py '
                             'configs/pretrain/oclip_r50_synthtext.py')
    assert 'pretrain_fraction=0.25' in out[0] and '--resume' in out[0]
    assert out[0].endswith('--launcher pytorch --amp')
    backbone = f'{root}/pretrain/oclip_r50_synthtext_25pct/backbone.pth'
    assert f'oclip_backbone={backbone}' in out[1]
    assert 'tools/test.py' in out[2]
    # A finished stage is not run again.
    pre = tmp_path / 'paper/pretrain/oclip_r50_synthtext_25pct'
    pre.mkdir(parents=True)
    (pre / 'pretrain.done').write_text('ok\n')
    grid.main(['run', 'portion/25', '--dry-run', '--work-root', root])
    out = capsys.readouterr().out.splitlines()
    assert 'done' in out[0] and 'skipped' in out[0]
    assert len(out) == 3


def test_unknown_row_and_table_are_one_line_errors(capsys):
    with pytest.raises(SystemExit, match="unknown row 'ablation/no_xyz'"):
        grid.main(['run', 'ablation/no_xyz', '--dry-run'])
    with pytest.raises(SystemExit, match="unknown table 'tables'"):
        grid.main(['list', '--table', 'tables'])


@pytest.fixture(scope='module')
def tiny_data(tmp_path_factory):
    from oclip_mmocr.datasets.synthetic import generate_synthetic_split
    root = str(tmp_path_factory.mktemp('paper_grid_data'))
    generate_synthetic_split(root, 'train', 2, (256, 256), 0, (2, 4),
                             profile='synth_totaltext', num_workers=1)
    return root


def _signature(cfg):
    m = cfg.model
    return (m.type, m.get('text_encoder', {}).get('type'))


def _strip_init(model_cfg):
    """No download, no pretrained file: the dry run builds the model as
    configured but initialises nothing from disk."""
    backbone = model_cfg.get('backbone') or model_cfg.get(
        'image_encoder', {}).get('backbone')
    if backbone is not None:
        backbone['init_cfg'] = None
    if 'image_encoder' in model_cfg:
        model_cfg['image_encoder']['compile'] = False  # eager for one step
    return model_cfg


@pytest.mark.slow
def test_each_distinct_model_trains_one_iteration(tiny_data, monkeypatch,
                                                  tmp_path):
    init_default_scope('mmocr')
    dict_file = tmp_path / 'dict.txt'
    # LSVT's dictionary comes from its data: printable ASCII stands in.
    dict_file.write_text('\n'.join(chr(c) for c in range(33, 127)),
                         encoding='utf-8')
    monkeypatch.setenv('OCLIP_LSVT_DICT', str(dict_file))
    seen = {}
    for path in _page_configs():
        cfg = parse_config(osp.join(REPO, path))
        seen.setdefault(_signature(cfg), cfg)
    assert {s[0] for s in seen} == {'OCLIP', 'PSENet', 'DBNet', 'FCENet',
                                    'MTSSpotter', 'TextBPN'}
    assert ('OCLIP', 'WordTextEncoder') in seen and len(seen) == 7
    for sig, cfg in seen.items():
        model = MODELS.build(_strip_init(copy.deepcopy(cfg.model)))
        train = cfg.train_dataloader.dataset
        if sig[0] == 'OCLIP':
            ds = DATASETS.build(dict(
                type='OCLIPDataset', data_root=tiny_data,
                ann_file='textdet_train.json',
                dictionary=copy.deepcopy(train.get(
                    'dictionary', dict(type='OCLIPDictionary'))),
                pipeline=copy.deepcopy(train.pipeline)))
        else:
            ds = DATASETS.build(dict(
                type='OCRDataset', data_root=tiny_data,
                ann_file='textdet_train.json',
                pipeline=shrink_pipeline(train.pipeline, 0.25)))
        data = pseudo_collate([ds[0], ds[1]])
        optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=1e-4))
        model.train()
        losses = model.train_step(data, optim)
        assert losses, sig
        total = sum(v for k, v in losses.items() if 'loss' in k)
        assert torch.isfinite(torch.as_tensor(total)), (sig, losses)
