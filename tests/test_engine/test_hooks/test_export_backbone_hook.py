"""ExportBackboneHook through MMEngine's Runner: the exported backbone equals
the trained trunk and loads strictly; the run's checkpoint loads weights-only
and resumes exactly."""
import copy

import pytest
import torch
from mmengine.runner import Runner

from oclip_mmocr.utils import load_backbone_strict
from mmocr.registry import MODELS
from tests.crash_helpers import crash_cfg


def runner_cfg(work_dir, data_root, max_iters):
    """crash_cfg's tiny pretraining run, by iteration, with MMEngine's own
    CheckpointHook every 2 iterations and the export hook alone."""
    cfg = crash_cfg(work_dir, data_root)
    cfg.train_dataloader.sampler = dict(type='DefaultSampler', shuffle=True)
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters)
    cfg.param_scheduler = [dict(type='LinearLR', start_factor=0.1,
                                by_epoch=False, begin=0, end=max_iters)]
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=2,
                                        by_epoch=False)
    cfg.custom_hooks = [dict(type='ExportBackboneHook', keep_all=True)]
    cfg.log_processor = dict(by_epoch=False)
    return cfg


@pytest.mark.slow
def test_backbone_export_and_resume(tmp_path, synthetic_root):
    work = tmp_path / 'work'
    runner = Runner.from_cfg(runner_cfg(work, synthetic_root, 2))
    runner.train()
    ckpt = work / 'iter_2.pth'
    assert ckpt.is_file() and (work / 'backbone.pth').is_file()
    assert (work / 'backbone_iter_2.pth').is_file()
    backbone = MODELS.build(dict(type='CLIPResNet', base_channels=8,
                                 out_indices=(3, )))
    load_backbone_strict(backbone, str(work / 'backbone.pth'))
    for k, v in backbone.state_dict().items():
        torch.testing.assert_close(
            v, runner.model.image_encoder.backbone.state_dict()[k])
    saved_optim = copy.deepcopy(runner.optim_wrapper.state_dict())

    # A runner checkpoint loads with weights_only=True (torch's default):
    # the few mmengine types are allow-listed, nothing else is.
    raw = torch.load(ckpt, map_location='cpu', weights_only=True)
    assert raw['meta']['iter'] == 2

    cfg = runner_cfg(work, synthetic_root, 4)
    cfg.resume, cfg.load_from = True, str(ckpt)
    resumed = Runner.from_cfg(cfg)
    resumed._train_loop = resumed.build_train_loop(resumed._train_loop)
    resumed.optim_wrapper = resumed.build_optim_wrapper(
        resumed.optim_wrapper)
    resumed.scale_lr(resumed.optim_wrapper, resumed.auto_scale_lr)
    resumed.param_schedulers = resumed.build_param_scheduler(
        resumed.param_schedulers)
    resumed.load_or_resume()
    assert resumed.iter == 2
    state = resumed.optim_wrapper.state_dict()
    assert state['param_groups'][0]['lr'] == pytest.approx(
        saved_optim['param_groups'][0]['lr'])
    for pid, s in saved_optim['state'].items():
        torch.testing.assert_close(state['state'][pid]['exp_avg'],
                                   s['exp_avg'])
        torch.testing.assert_close(state['state'][pid]['exp_avg_sq'],
                                   s['exp_avg_sq'])
    resumed.train()
    assert resumed.iter == 4 and (work / 'iter_4.pth').is_file()
