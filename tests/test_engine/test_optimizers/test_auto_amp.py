"""AutoMixedPrecisionOptimWrapper: the mode it picks, autocast, checkpoints."""
import os.path as osp

import pytest
import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

import oclip_mmocr  # noqa: F401
from oclip_mmocr.engine.optimizers import pick_amp_dtype
from tests.helpers import REPO


def _wrapper(**kwargs):
    init_default_scope('mmocr')
    model = nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 2))
    cfg = dict(type='AutoMixedPrecisionOptimWrapper',
               optimizer=dict(type='AdamW', lr=1e-2), **kwargs)
    return model, build_optim_wrapper(model, cfg)


def test_cpu_defaults_to_fp32_and_trains():
    torch.manual_seed(0)
    model, wrapper = _wrapper()
    assert wrapper.mode == 'fp32'
    x = torch.randn(16, 8)
    y = torch.randint(0, 2, (16, ))
    losses = []
    for _ in range(60):
        with wrapper.optim_context(model):
            out = model(x)
            assert out.dtype == torch.float32
            loss = nn.functional.cross_entropy(out, y)
        wrapper.update_params(loss)
        losses.append(float(loss))
    assert losses[-1] < 0.5 * losses[0]


def test_cpu_bf16_autocasts_and_round_trips_state():
    model, wrapper = _wrapper(cpu_dtype='bfloat16')
    assert wrapper.mode == 'bfloat16'
    with wrapper.optim_context(model):
        out = model(torch.randn(4, 8))
    assert out.dtype == torch.bfloat16
    wrapper.update_params(out.float().sum())
    state = wrapper.state_dict()
    assert 'loss_scaler' in state and state['state']
    model2, wrapper2 = _wrapper(cpu_dtype='bfloat16')
    wrapper2.load_state_dict(state)
    a = wrapper.optimizer.state_dict()['state'][0]['exp_avg']
    b = wrapper2.optimizer.state_dict()['state'][0]['exp_avg']
    assert torch.equal(a, b)


def test_gpu_choice_and_bad_dtype():
    if torch.cuda.is_available():
        want = torch.bfloat16 if torch.cuda.is_bf16_supported() \
            else torch.float16
        assert pick_amp_dtype('cuda') is want
    assert pick_amp_dtype('cpu') is None
    assert pick_amp_dtype('cpu', 'bfloat16') is torch.bfloat16
    with pytest.raises(ValueError, match='cpu_dtype'):
        _wrapper(cpu_dtype='int8')


def test_pretraining_recipe_builds_its_wrapper_on_a_cpu():
    """MMEngine's AmpOptimWrapper refuses to start without a GPU; the
    recipe's wrapper runs fp32 there, and the trunk is compiled."""
    cfg = Config.fromfile(osp.join(REPO,
                                   'configs/pretrain/oclip_r50_synthtext.py'))
    assert cfg.optim_wrapper.type == 'AutoMixedPrecisionOptimWrapper'
    assert cfg.model.image_encoder.compile == dict(
        options=dict(layout_optimization=False))
    demo = Config.fromfile(osp.join(REPO,
                                    'configs/pretrain/oclip_demo_synthetic.py'))
    assert demo.model.image_encoder.compile is False
    model, wrapper = _wrapper()
    assert wrapper.cast_dtype is None
