# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Inference images/s of finetune configs at their test scale, in one run.

Each config's own test pipeline (resize to its test scale, packing) and
``model.test_step`` (data preprocessor, trunk, neck, head, post-processing)
run on the same synthetic 720x1280 images, the configs interleaved image by
image; the median time per image is reported, with the ratio to the first
config. Weights are random: the figures are about compute, and a random
TextBPN proposes no text, so its boundary deformation is timed separately
on ``--rings`` proposals per image (add it to TextBPN's time); likewise a
random spotter proposes nothing, so its RoI heads and recogniser are timed
on ``--rings`` word boxes (add that to the spotter's time).

    python benchmarks/bench_textdet_inference.py            # CPU, defaults
    python benchmarks/bench_textdet_inference.py --device cuda
"""
import argparse
import statistics
import tempfile
import time

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope

import oclip_mmocr  # noqa: F401
from mmocr.registry import DATASETS, MODELS
from oclip_mmocr.datasets.synthetic import generate_synthetic_split
from common import describe_machine, sync  # noqa: I100

DEFAULT = [
    'configs/finetune/dbnet/dbnet_r50-oclip_1200e_ctw1500.py',
    'configs/finetune/textbpn/textbpn_r50-oclip_660e_ctw1500.py',
    'configs/finetune/textbpn/textbpn_r50-oclip_660e_ctw1500.py:stride4',
]


def build(spec: str, device: str):
    path, _, variant = spec.partition(':')
    cfg = Config.fromfile(path)
    cfg.model.backbone.init_cfg = None
    if variant == 'stride4':
        cfg.model.neck.out_stride = 4
        cfg.model.det_head.stride = 4
    model = MODELS.build(cfg.model).to(device).eval()
    return cfg, model


def cfg_channels(model) -> int:
    """Channels of a spotter's fused features (what its RoI heads read)."""
    return model.roi_head.score_head.convs[0].in_channels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('configs', nargs='*', default=DEFAULT,
                        help='CONFIG or CONFIG:stride4 (TextBPN at stride 4)')
    parser.add_argument('--num', type=int, default=5, help='timed images')
    parser.add_argument('--rings', type=int, default=20)
    parser.add_argument('--device', default='cpu')
    args = parser.parse_args()
    init_default_scope('mmocr')
    root = tempfile.mkdtemp()
    generate_synthetic_split(root, 'test', num_images=args.num + 1,
                             img_size=(720, 1280), seed=5)
    runs = []
    for spec in args.configs:
        cfg, model = build(spec, args.device)
        ds = DATASETS.build(
            dict(type='OCRDataset', data_root=root,
                 ann_file='textdet_test.json', test_mode=True,
                 pipeline=cfg.test_dataloader.dataset.pipeline))
        runs.append(dict(spec=spec, model=model, ds=ds, times=[],
                         shape=None))
    with torch.no_grad():
        for i in range(args.num + 1):  # image 0 warms up
            for r in runs:
                batch = pseudo_collate([r['ds'][i]])
                sync(args.device)
                t = time.perf_counter()
                out = r['model'].test_step(batch)
                sync(args.device)
                if i:
                    r['times'].append(time.perf_counter() - t)
                    r.setdefault('found', []).append(
                        len(out[0].pred_instances.polygons))
                r['shape'] = tuple(batch['inputs'][0].shape[-2:])
        # The deformation of TextBPN, on node maps of its test size.
        deform = {}
        for r in runs:
            model = r['model']
            head = getattr(model, 'det_head', None)
            if hasattr(model, 'roi_head'):
                # Spotter: RoI heads + recogniser on --rings word boxes.
                roi = model.roi_head
                h, w = (s // roi.feat_stride for s in r['shape'])
                feats = torch.rand(1, cfg_channels(model), h, w,
                                   device=args.device)
                polys = [np.array([x, 40, x + 120, 40, x + 120, 80, x, 80],
                                  np.float32)
                         for x in np.linspace(0, r['shape'][1] - 130,
                                              args.rings)]
                ts = []
                for _ in range(args.num + 1):
                    sync(args.device)
                    t = time.perf_counter()
                    roi.roi_outputs(feats, polys, [0] * len(polys))
                    sync(args.device)
                    ts.append(time.perf_counter() - t)
                deform[r['spec']] = statistics.median(ts[1:])
                continue
            if not hasattr(head, 'deformation'):
                continue
            h, w = (s // head.stride for s in r['shape'])
            nodes = torch.rand(1, 36, h, w, device=args.device)
            rings = torch.rand(args.rings, 20, 2, device=args.device) * min(
                h, w)
            inds = torch.zeros(args.rings, dtype=torch.long,
                               device=args.device)
            ts = []
            for _ in range(args.num + 1):
                sync(args.device)
                t = time.perf_counter()
                head.deformation(nodes, rings, inds)
                sync(args.device)
                ts.append(time.perf_counter() - t)
            deform[r['spec']] = statistics.median(ts[1:])
    print(f'{describe_machine(args.device)}; synthetic 720x1280 images, '
          f'median of {args.num}')
    print('| config | input (HxW) | images/s | vs first | instances/image '
          f'| per {args.rings} instances: deformation (TextBPN) or RoI '
          'heads + recognition (spotter), ms |')
    print('| --- | --- | --- | --- | --- | --- |')
    base = None
    for r in runs:
        ips = 1 / statistics.median(r['times'])
        base = base or ips
        d = deform.get(r['spec'])
        found = statistics.mean(r['found'])
        print(f"| {r['spec'].split('/')[-1]} | {r['shape'][0]}x"
              f"{r['shape'][1]} | {ips:.3f} | {ips / base:.2f}x | "
              f"{found:.0f} | {'-' if d is None else f'{d * 1e3:.1f}'} |")


if __name__ == '__main__':
    main()
