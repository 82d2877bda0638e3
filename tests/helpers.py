"""What tests share: where the repository and ../shared are, tests that need
../shared, the tools as modules, a tiny OCLIP config, real pretraining
pipelines and batches."""
import importlib
import os.path as osp
import sys

import numpy as np
import pytest
import torch
from mmengine.dataset import pseudo_collate

from mmocr.registry import DATASETS

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
SHARED = osp.join(osp.dirname(REPO), 'shared')
#: The reason every test that needs ../shared gives when it is absent;
#: conftest counts these skips in the summary (and CI, which always has
#: ../shared, fails instead of skipping).
SHARED_ABSENT = 'needs ../shared'


def shared_path(*parts: str) -> str:
    """A path under ../shared (the data and references beside the repo)."""
    return osp.join(SHARED, *parts)


def needs_shared(*parts: str):
    """Skip marker for a test that reads ``../shared/<parts>``."""
    path = shared_path(*parts)
    return pytest.mark.skipif(
        not osp.exists(path),
        reason=f'{SHARED_ABSENT}/{"/".join(parts)}, which is absent')


def skip_without_shared(*parts: str) -> str:
    """``../shared/<parts>``, or skip the running test if it is absent."""
    path = shared_path(*parts)
    if not osp.exists(path):
        pytest.skip(f'{SHARED_ABSENT}/{"/".join(parts)}, which is absent')
    return path


def import_tool(name: str):
    """``tools/<name>.py`` as a module (the tools import their siblings,
    e.g. ``twin_report``, as top-level modules)."""
    tools = osp.join(REPO, 'tools')
    if tools not in sys.path:
        sys.path.insert(0, tools)
    return importlib.import_module(name)


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




def pipeline(size: int, max_words: int = 3, shuffle: bool = True,
             scale=(0.95, 1.0)):
    return [
        dict(type='LoadImageFromFile', color_type='color', ignore_empty=True),
        dict(type='SampleWords', max_words=max_words, shuffle=shuffle),
        dict(type='MaskCharacters'),
        dict(type='RandomResizedCrop', size=size, scale=scale),
        dict(type='PackOCLIPInputs'),
    ]


def build_dataset(root: str, size: int, **kwargs):
    return DATASETS.build(
        dict(type='OCLIPDataset', data_root=root,
             ann_file='textdet_train.json', pipeline=pipeline(size, **kwargs)))


def batch(dataset, indices=None):
    indices = range(len(dataset)) if indices is None else indices
    return pseudo_collate([dataset[i] for i in indices])


class PickleMarker:
    """Unpickling this creates the file ``path``: a harmless stand-in for a
    pickle that would run code (the file must never appear)."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, 'w'))


def box(x, y, w=20, h=10):
    return np.array([x, y, x + w, y, x + w, y + h, x, y + h], np.float32)


def random_det_samples(seed=0, n=12):
    """Dumped detection results (as ``tools/test.py --dump`` writes them)
    of random GT boxes; predictions = some GTs jittered + false alarms,
    with scores spread over [0, 1]."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        gts = [box(40 * i, 30 * (i % 3)) for i in range(rng.integers(1, 6))]
        ignored = rng.random(len(gts)) < 0.2
        preds, scores = [], []
        for g in gts:
            if rng.random() < 0.8:
                preds.append(g + rng.normal(0, 1.5, 8).astype(np.float32))
                scores.append(rng.uniform(0.3, 1.0))
        for _ in range(rng.integers(0, 3)):
            preds.append(box(rng.uniform(300, 400), rng.uniform(0, 100)))
            scores.append(rng.uniform(0.0, 0.9))
        out.append(
            dict(
                pred_instances=dict(
                    polygons=preds,
                    scores=torch.tensor(scores, dtype=torch.float32)),
                gt_instances=dict(polygons=gts, ignored=ignored)))
    return out


def with_texts(samples, text='word'):
    for s in samples:
        n = len(s['pred_instances']['polygons'])
        s['pred_instances']['texts'] = [text] * n
        gt = s['gt_instances']
        gt['texts'] = [text] * len(gt['polygons'])
    return samples
