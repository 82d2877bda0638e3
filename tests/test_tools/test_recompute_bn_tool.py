"""tools/recompute_bn.py on the study's DBNet config (MMOCR's DBNet, the
synthetic study data through its real training pipeline): only BN buffers
change, by the number of batches asked for; the checkpoint's meta is kept;
a checkpoint of another model is refused by key name."""
import os.path as osp

import pytest
import torch
from mmengine.registry import init_default_scope

from mmocr.registry import MODELS
from oclip_mmocr.utils.cli import parse_config
from tests.finetune_helpers import shrink_pipeline
from tests.helpers import REPO, import_tool

pytestmark = pytest.mark.slow


def _config(tmp_path):
    cfg = parse_config(
        osp.join(REPO, 'configs/study/dbnet-scratch_synth.py'),
        dict(synth_profile='synth_totaltext', study_train_images=4,
             oclip_backbone='unused-by-the-scratch-twin'))
    ds = cfg.train_dataloader.dataset
    ds.data_root = str(tmp_path / 'data')
    ds.img_size = (128, 128)
    ds.num_workers = 1
    ds.pipeline = shrink_pipeline(ds.pipeline, 1 / 3)
    path = str(tmp_path / 'dbnet.py')
    cfg.dump(path)
    return cfg, path


def test_recompute_bn_tool(tmp_path, capsys):
    cfg, config = _config(tmp_path)
    init_default_scope('mmocr')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    state = model.state_dict()
    src = tmp_path / 'epoch_12.pth'
    torch.save(dict(state_dict=state, meta=dict(epoch=12)), src)
    out = tmp_path / 'precise.pth'
    tool = import_tool('recompute_bn')
    assert tool.main([config, str(src), str(out), '--images', '3',
                      '--batch-size', '2']) == 0
    printed = capsys.readouterr().out
    assert 'written' in printed
    new = torch.load(out, weights_only=True)
    assert new['meta']['epoch'] == 12
    assert new['meta']['precise_bn']['batches'] == 2  # ceil(3 / 2)
    assert new['meta']['precise_bn']['images'] == 4
    assert new['state_dict'].keys() == state.keys()
    changed = [k for k in state
               if not torch.equal(state[k], new['state_dict'][k])]
    assert changed and all('running_' in k or 'num_batches_tracked' in k
                           for k in changed)
    # Every BN layer of trunk, neck and probability head took 2 batches;
    # the threshold branch (run by the loss only) kept its statistics.
    tracked = [k for k in state if k.endswith('num_batches_tracked')]
    kept = [k for k in tracked if k.startswith('det_head.threshold.')]
    assert len(tracked) > 10 and len(kept) == 2
    assert f'{len(tracked) - 2} BN layers recomputed over 2 batches of 2' \
        in printed
    assert all(int(new['state_dict'][k]) == 2 for k in tracked
               if k not in kept)
    for k in kept:
        stem = k[:-len('num_batches_tracked')]
        for buf in ('running_mean', 'running_var', 'num_batches_tracked'):
            assert torch.equal(new['state_dict'][stem + buf],
                               state[stem + buf])
    assert any(k.startswith('backbone.') for k in changed)
    assert any(k.startswith('det_head.') for k in changed)

    # Seeded: the same command gives the same statistics.
    again = tmp_path / 'again.pth'
    assert tool.main([config, str(src), str(again), '--images', '3',
                      '--batch-size', '2']) == 0
    second = torch.load(again, weights_only=True)['state_dict']
    assert all(torch.equal(second[k], new['state_dict'][k]) for k in state)

    # A checkpoint that does not match the model: refused, keys named.
    bad = dict(state)
    bad.pop('det_head.binarize.1.running_mean')
    torch.save(dict(state_dict=bad), tmp_path / 'bad.pth')
    assert tool.main([config, str(tmp_path / 'bad.pth'),
                      str(tmp_path / 'x.pth')]) == 1
    err = capsys.readouterr().err
    assert 'det_head.binarize.1.running_mean' in err and 'bad.pth' in err
    assert not (tmp_path / 'x.pth').exists()
