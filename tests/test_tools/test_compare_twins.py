"""tools/compare_twins.py end to end on the two demo twins (tiny runs): table,
CSV and chart, with numbers equal to MMOCR's HmeanIOUMetric."""
import csv
import os.path as osp
import pickle
import subprocess
import sys

import pytest
import torch

from mmocr.evaluation import HmeanIOUMetric
from mmocr.registry import MODELS
from tests.helpers import REPO, import_tool

pytestmark = pytest.mark.slow
CONFIGS = [
    'configs/finetune/dbnet/dbnet_demo-oclip_synthetic.py',
    'configs/finetune/dbnet/dbnet_demo-scratch_synthetic.py',
]


def test_compare_twins_tool(tmp_path):
    # A backbone file as the demo pretraining would export it.
    trunk = MODELS.build(dict(type='CLIPResNet', depth=50, base_channels=16))
    backbone = tmp_path / 'backbone.pth'
    torch.save(trunk.state_dict(), backbone)
    data = tmp_path / 'data'
    opts = [f'oclip_backbone={backbone}', 'train_cfg.max_epochs=2']
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        opts += [f'{loader}.dataset.data_root={data}',
                 f'{loader}.dataset.num_images=4',
                 f'{loader}.num_workers=0',
                 f'{loader}.persistent_workers=False']
    work = tmp_path / 'bench'
    proc = subprocess.run(
        [sys.executable, 'tools/compare_twins.py', *CONFIGS, '--train',
         '--work-dir', str(work), '--fixed-thr', '0.3',
         '--cfg-options', *opts],
        cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    for ext in ('md', 'csv', 'png'):
        assert osp.getsize(work / f'comparison.{ext}') > 0
    md = (work / 'comparison.md').read_text()
    assert 'Best of thresholds' in md and 'threshold 0.30' in md
    # The demo twins' data: the synth_totaltext profile at 256x256.
    assert '| synth_totaltext_256 | DBNet | scratch |' in md
    with open(work / 'comparison.csv') as f:
        rows = list(csv.DictReader(f))
    assert [r['protocol'] for r in rows] == ['best', 'fixed']
    # The fixed threshold's difference comes with its paired bootstrap
    # interval over the 4 test images (the same images for both twins).
    fixed = rows[1]
    assert float(fixed['delta_low']) <= float(fixed['delta_high'])
    assert 'Δ with its 95 % paired bootstrap interval' in md

    best = rows[0]
    for tag, config in (('oclip', CONFIGS[0]), ('baseline', CONFIGS[1])):
        stem = osp.splitext(osp.basename(config))[0]
        with open(work / stem / 'predictions.pkl', 'rb') as f:
            samples = pickle.load(f)
        assert len(samples) == 4
        metric = HmeanIOUMetric()
        metric.process([], samples)
        ref = metric.compute_metrics(metric.results)
        for k in ('precision', 'recall', 'hmean'):
            assert float(best[f'{tag}_{k}']) == pytest.approx(ref[k])
    assert float(best['delta_hmean']) == pytest.approx(
        float(best['oclip_hmean']) - float(best['baseline_hmean']))
    # The log says where everything is.
    assert 'chart: ' in proc.stdout and 'comparison.png' in proc.stdout

    # Run again keeping trained models (what tools/study.py does to resume):
    # nothing retrains, the same checkpoints give the same table.
    ckpt = work / 'dbnet_demo-oclip_synthetic' / 'epoch_2.pth'
    mtime = ckpt.stat().st_mtime_ns
    again = subprocess.run(
        [sys.executable, 'tools/compare_twins.py', *CONFIGS, '--train',
         '--skip-trained', '--work-dir', str(work), '--fixed-thr', '0.3',
         '--cfg-options', *opts],
        cwd=REPO, capture_output=True, text=True)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert again.stdout.count('trained before') == 2
    assert ckpt.stat().st_mtime_ns == mtime
    with open(work / 'comparison.csv') as f:
        assert list(csv.DictReader(f)) == rows


def test_is_trained_needs_the_schedules_final_checkpoint(tmp_path):
    tool = import_tool('compare_twins')
    from mmengine.config import Config
    cfg = Config(dict(train_cfg=dict(type='EpochBasedTrainLoop',
                                     max_epochs=12)))
    assert not tool.is_trained(str(tmp_path), cfg)  # nothing there
    for epochs in (6, 12):
        (tmp_path / f'epoch_{epochs}.pth').write_bytes(b'x')
        (tmp_path / 'last_checkpoint').write_text(
            str(tmp_path / f'epoch_{epochs}.pth'))
        # A shorter earlier schedule (the study's budget changed) retrains.
        assert tool.is_trained(str(tmp_path), cfg) == (epochs == 12)
    iters = Config(dict(train_cfg=dict(type='IterBasedTrainLoop',
                                       max_iters=12)))
    assert not tool.is_trained(str(tmp_path), iters)
