"""tools/linear_probe.py on a study config: both trunks built from the
config, the oCLIP one strictly from the file; a file holding the random
trunk's own weights must probe exactly like the random trunk, and a file of
another width is refused by name."""
import os.path as osp

import pytest
import torch
from mmengine.registry import init_default_scope

from mmocr.registry import MODELS
from oclip_mmocr.utils.cli import parse_config
from tests.helpers import REPO, import_tool

CONFIG = osp.join(REPO, 'configs/study/psenet-oclip_synth.py')
OPTS = ['synth_profile=synth_totaltext']


def _trunk_file(tmp_path, seed, **overrides):
    init_default_scope('mmocr')
    cfg = parse_config(CONFIG, dict(synth_profile='synth_totaltext'))
    bb = dict(cfg.model.backbone, init_cfg=None, **overrides)
    torch.manual_seed(seed)
    trunk = MODELS.build(bb)
    trunk.init_weights()
    path = tmp_path / f'trunk{seed}.pth'
    torch.save(trunk.state_dict(), path)
    return str(path)


@pytest.mark.slow
def test_probe_tool(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the synthetic images are generated here
    tool = import_tool('linear_probe')
    same = _trunk_file(tmp_path, seed=3)
    out = tmp_path / 'probe.json'
    res = tool.main([CONFIG, '--backbone', same, '--images', '6', '--seed',
                     '3', '--bootstrap', '20', '--out', str(out),
                     '--cfg-options', *OPTS])
    assert out.is_file()
    assert set(res['levels']) == {'all', 'C2', 'C3', 'C4', 'C5'}
    assert (res['fit_images'], res['held_out_images']) == (3, 3)
    assert res['text_pixels'] > 0
    for level, r in res['levels'].items():
        # The same weights: the same features, the same probe.
        assert r['oclip'] == r['random'], level
        assert r['diff'] == r['low'] == r['high'] == 0, level
        assert 0 <= r['oclip'] <= 1
    # Another trunk (another seed) probes differently.
    other = tool.main([CONFIG, '--backbone', _trunk_file(tmp_path, seed=4),
                       '--images', '6', '--seed', '3', '--bootstrap', '20',
                       '--cfg-options', *OPTS])
    assert other['levels']['all']['oclip'] != other['levels']['all']['random']
    wide = _trunk_file(tmp_path, seed=5, base_channels=32)
    with pytest.raises(Exception, match='trunk5.pth'):
        tool.main([CONFIG, '--backbone', wide, '--images', '2',
                   '--cfg-options', *OPTS])
