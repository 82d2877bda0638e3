"""Helpers for running the finetune configs small in tests."""
import copy
import glob
import os.path as osp
from typing import List

from tests.helpers import REPO

FINETUNE = osp.join(REPO, 'configs/finetune')
_SIZE_KEYS = ('scale', 'size', 'target_size', 'short_size', 'target_scale')


def top_level_configs(pattern: str = '*') -> List[str]:
    return sorted(
        p for p in glob.glob(osp.join(FINETUNE, '*', f'{pattern}.py'))
        if not osp.basename(p).startswith('_'))


def _shrink_value(v, factor: float, divisor: int):
    if isinstance(v, (list, tuple)) and all(
            isinstance(x, (int, float)) for x in v):
        return type(v)(_shrink_value(x, factor, divisor) for x in v)
    if isinstance(v, int) and v > 1:
        return max(divisor, int(round(v * factor / divisor)) * divisor)
    return v


def shrink_pipeline(pipeline: list, factor: float = 0.25,
                    divisor: int = 32) -> list:
    """The same transforms with every pixel size scaled by ``factor``
    (rounded to ``divisor``): the real pipeline at a CPU-friendly size."""
    out = []
    for t in copy.deepcopy(pipeline):
        if isinstance(t, list):
            out.append(shrink_pipeline(t, factor, divisor))
            continue
        for k in _SIZE_KEYS:
            if k in t:
                t[k] = _shrink_value(t[k], factor, divisor)
        if 'transforms' in t:
            t['transforms'] = shrink_pipeline(t['transforms'], factor,
                                              divisor)
        out.append(t)
    return out


def small_loaders(cfg, data_root: str, train_ann: str, test_ann: str,
                  num_train: int = 2, factor: float = 0.25) -> None:
    """Point a finetune config at a small dataset, at reduced resolution,
    with in-process data loading."""
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg[name]
        loader.num_workers = 0
        loader.persistent_workers = False
        loader.pop('pin_memory', None)
        ds = loader.dataset
        ds.data_root = data_root
        ds.ann_file = train_ann if name == 'train_dataloader' else test_ann
        ds.pipeline = shrink_pipeline(ds.pipeline, factor)
    cfg.train_dataloader.batch_size = num_train
    cfg.train_dataloader.dataset.indices = num_train
    cfg.train_dataloader.dataset.filter_cfg = dict(
        filter_empty_gt=True, min_size=8)


def overfit_loaders(cfg, data_root: str, train_pipeline: list,
                    test_pipeline: list, batch_size: int) -> None:
    """Train and test on the same images (``textdet_train.json`` of
    ``data_root``), in-process, one batch per epoch."""
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg[name]
        loader.num_workers = 0
        loader.persistent_workers = False
        training = name == 'train_dataloader'
        loader.dataset = dict(
            type='OCRDataset',
            data_root=data_root,
            ann_file='textdet_train.json',
            test_mode=not training,
            pipeline=train_pipeline if training else test_pipeline)
    cfg.train_dataloader.batch_size = batch_size


def short_schedule(cfg, epochs: int, work_dir: str) -> None:
    """``epochs`` epochs, one evaluation and one checkpoint at the end,
    polynomial decay, fixed seed."""
    cfg.train_cfg.max_epochs = epochs
    cfg.train_cfg.val_interval = epochs
    cfg.param_scheduler = [dict(type='PolyLR', power=0.9, end=epochs)]
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook',
                                        interval=epochs)
    cfg.randomness = dict(seed=0)
    cfg.work_dir = work_dir


def narrow_spotter(cfg, channels: int, trunk_widths: List[int],
                   max_seq_len: int = 12) -> None:
    """Every width of an MTS spotter config set for a narrow trunk (stage
    widths ``trunk_widths``) and ``channels`` fused channels."""
    c = channels
    cfg.model.neck.update(in_channels=trunk_widths, lateral_channels=c,
                          out_channels=c // 4)
    cfg.model.det_head.in_channels = c
    roi = cfg.model.roi_head
    for head in ('score_head', 'mask_head', 'char_head', 'rec_neck'):
        if roi.get(head) is not None:
            roi[head].update(in_channels=c, channels=c)
    roi.rec_encoder.update(in_channels=c, d_model=c, d_enc=c)
    roi.rec_decoder.update(in_channels=c, d_model=c, d_enc=c,
                           d_k=max(c // 2, 8), max_seq_len=max_seq_len)
