# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Images/s of the full pretraining data pipeline, per worker.

Runs the real pipeline of a pretraining config (image decoding, word
sampling, masking, RandomResizedCrop, packing) over its dataset in this
process (one worker), and compares it with the model's training step rate
given by ``--step-images-per-s`` (from bench_pretrain_step.py) to tell how
many workers keep the model fed.

    python benchmarks/bench_data_pipeline.py \
        --config configs/pretrain/oclip_r50_synthtext.py \
        --cfg-options train_dataloader.dataset.type=SyntheticOCLIPDataset \
        train_dataloader.dataset.data_root=data/synthetic_512 \
        "train_dataloader.dataset.img_size=(512,512)"
"""
import argparse
import math
import time

from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope

import oclip_mmocr  # noqa: F401
from mmocr.registry import DATASETS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config',
                        default='configs/pretrain/oclip_r50_synthtext.py')
    parser.add_argument('--num', type=int, default=200,
                        help='samples to time')
    parser.add_argument('--step-images-per-s', type=float, default=None)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args()
    init_default_scope('mmocr')
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    ds_cfg = cfg.train_dataloader.dataset
    if ds_cfg.type == 'OCLIPDataset' and args.cfg_options is None:
        # Default: the embedded synthetic data at the config's resolution.
        ds_cfg.type = 'SyntheticOCLIPDataset'
        ds_cfg.pop('ann_file')
        ds_cfg.data_root = 'data/synthetic_bench'
        ds_cfg.num_images = 64
        ds_cfg.img_size = (512, 512)
    dataset = DATASETS.build(ds_cfg)
    for i in range(min(5, len(dataset))):  # warm caches
        dataset[i]
    start = time.perf_counter()
    for i in range(args.num):
        dataset[i % len(dataset)]
    ips = args.num / (time.perf_counter() - start)
    print(f'pipeline: {ips:.1f} images/s per worker '
          f'({len(dataset)} images, {args.config})')
    if args.step_images_per_s:
        need = math.ceil(args.step_images_per_s / ips)
        print(f'the model consumes {args.step_images_per_s:.2f} images/s: '
              f'{need} worker(s) keep it fed')


if __name__ == '__main__':
    main()
