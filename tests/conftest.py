import os.path as osp
import random

import numpy as np
import pytest
import torch
from mmengine.registry import init_default_scope

import oclip_mmocr  # noqa: F401

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
SHARED = osp.join(osp.dirname(REPO), 'shared')


def tiny_model_cfg(input_size: int = 64, **overrides) -> dict:
    """An OCLIP config with the real components at tiny widths."""
    grid = input_size // 32
    cfg = dict(
        type='OCLIP',
        image_encoder=dict(
            type='OCLIPImageEncoder',
            backbone=dict(type='CLIPResNet', depth=50, base_channels=8,
                          out_indices=(3, )),
            attnpool=dict(type='AttentionPool2d', grid_size=grid,
                          in_channels=256, num_heads=8, out_channels=32)),
        text_encoder=dict(type='CharTextEncoder', width=32, num_layers=2,
                          num_heads=4, embed_dims=32),
        decoder=dict(type='VisualTextualDecoder', grid_size=grid,
                     embed_dims=32, num_layers=2, num_heads=4))
    cfg.update(overrides)
    return cfg


@pytest.fixture(autouse=True)
def _restore_config_variables():
    """Our tools export top-level --cfg-options as OCLIP_* environment
    variables (read while configs are parsed); undo that after each test."""
    import os
    saved = {k: v for k, v in os.environ.items() if k.startswith('OCLIP_')}
    yield
    for k in [k for k in os.environ if k.startswith('OCLIP_')]:
        del os.environ[k]
    os.environ.update(saved)


@pytest.fixture(autouse=True)
def _scope_and_seed():
    init_default_scope('mmocr')
    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)
    yield


@pytest.fixture(scope='session')
def synthetic_root(tmp_path_factory):
    from oclip_mmocr.datasets.synthetic import generate_synthetic_split
    root = str(tmp_path_factory.mktemp('synthetic'))
    generate_synthetic_split(root, 'train', num_images=8, img_size=(128, 128),
                             seed=3, num_words=(2, 3))
    return root
