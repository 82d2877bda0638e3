"""Linear probe of text pixels: an exported oCLIP trunk vs the same trunk
randomly initialised, before any finetuning.

Both trunks are built from a study (or finetune) config's ``model.backbone``
(the oCLIP one loaded strictly from --backbone, the other from the config's
random init with --seed) and frozen. Their features (every level upsampled to
stride 4) of the first half of --images training images of the config's
dataset fit a logistic regression per trunk; the other half is scored by
AUROC, pooled over pixels, with a paired 95% bootstrap interval of the
difference over the held-out images. Per level too (C2..C5).

    python tools/linear_probe.py configs/study/dbnet-oclip_synth.py \\
        --backbone work_dirs/study/pretrain/backbone.pth --out probe.json
"""
import warnings

# mmengine imports pkg_resources, which warns at every import.
warnings.filterwarnings('ignore', message='pkg_resources is deprecated')
import argparse
import copy
import json
import os.path as osp
import sys
from typing import Dict, List

import numpy as np
import torch
from mmengine.config import DictAction

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n'.join(__doc__.split('\n')[2:]))
    parser.add_argument('config', help='a detector config (its trunk, '
                        'input normalisation and dataset)')
    parser.add_argument('--backbone', required=True,
                        help='the exported oCLIP trunk (backbone.pth)')
    parser.add_argument('--images', type=int, default=48,
                        help='training images: half fit, half score (48)')
    parser.add_argument('--seed', type=int, default=0,
                        help="the random trunk's and the sampling's seed")
    parser.add_argument('--bootstrap', type=int, default=300,
                        help='bootstrap replicates per interval (300)')
    parser.add_argument('--out', default=None, help='write the JSON here')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        default={})
    args = parser.parse_args(argv)
    if args.images < 2:
        parser.error('--images must be >= 2 (half fit, half score)')
    return args


def build_trunks(cfg, backbone: str, seed: int):
    """``{'oclip': trunk, 'random': trunk}``, frozen, in eval mode."""
    from mmocr.registry import MODELS

    trunks = {}
    for name in ('oclip', 'random'):
        bb = copy.deepcopy(cfg.model.backbone)
        bb['init_cfg'] = dict(type='StrictPretrained',
                              checkpoint=backbone) if name == 'oclip' else None
        torch.manual_seed(seed)
        trunk = MODELS.build(bb)
        trunk.init_weights()
        trunk.eval()  # CLIPResNet.train() returns None: no chaining
        trunks[name] = trunk.requires_grad_(False)
    return trunks


def load_images(cfg, num: int) -> List[Dict]:
    """The config's training split (first ``num`` images) through its test
    pipeline (no augmentation): inputs and ground-truth polygons."""
    from mmocr.registry import DATASETS

    ds_cfg = copy.deepcopy(cfg.train_dataloader.dataset)
    ds_cfg['pipeline'] = copy.deepcopy(cfg.val_dataloader.dataset.pipeline)
    ds_cfg['num_images'] = num
    ds_cfg['test_mode'] = True  # keep every image, as read
    dataset = DATASETS.build(ds_cfg)
    if len(dataset) < num:
        raise ValueError(f'{cfg.filename}: its training split has '
                         f'{len(dataset)} images, --images asks for {num}')
    return [dataset[i] for i in range(num)]


def main(argv=None) -> Dict:
    args = parse_args(argv)
    from mmengine.logging import MMLogger
    from mmocr.registry import MODELS
    from mmocr.utils import register_all_modules

    import oclip_mmocr  # noqa: F401
    from oclip_mmocr.evaluation.linear_probe import (STRIDE,
                                                     paired_auroc_bootstrap,
                                                     probe, stride4_features,
                                                     text_pixel_labels)
    from oclip_mmocr.utils.cli import parse_config

    register_all_modules()
    # The weight-init report lists every parameter: keep the output to the
    # result.
    if not MMLogger.check_instance_created('linear_probe'):
        MMLogger.get_instance('linear_probe', log_level='WARNING')
    cfg = parse_config(args.config, args.cfg_options)
    trunks = build_trunks(cfg, args.backbone, args.seed)
    preprocessor = MODELS.build(cfg.model.data_preprocessor)
    samples = load_images(cfg, args.images)
    feats = {k: [] for k in trunks}
    labels, widths = [], None
    with torch.no_grad():
        for item in samples:
            data = preprocessor(dict(inputs=[item['inputs']],
                                     data_samples=[item['data_samples']]))
            inputs = data['inputs']
            h, w = inputs.shape[-2] // STRIDE, inputs.shape[-1] // STRIDE
            sample = item['data_samples']
            gt = sample.gt_instances
            # The test pipeline resizes the image before it loads the
            # annotations (MMOCR scores in original coordinates).
            sx, sy = sample.metainfo.get('scale_factor', (1.0, 1.0))
            polygons = [np.asarray(p, np.float64).reshape(-1, 2) * (sx, sy)
                        for p in gt.polygons]
            labels.append(text_pixel_labels(polygons, gt.ignored.tolist(),
                                            (h, w)))
            for name, trunk in trunks.items():
                levels = trunk(inputs)
                widths = [f.shape[1] for f in levels]
                feats[name].append(stride4_features(levels)[0, :, :h, :w])
    half = args.images // 2
    bounds = np.cumsum([0] + widths)
    result = dict(config=args.config, backbone=args.backbone,
                  images=args.images, fit_images=half,
                  held_out_images=args.images - half,
                  text_pixels=int(sum((lab == 1).sum() for lab in labels[half:])),
                  levels={})
    for level in ['all'] + [f'C{i + 2}' for i in range(len(widths))]:
        channels = slice(None) if level == 'all' else slice(
            int(bounds[int(level[1]) - 2]), int(bounds[int(level[1]) - 1]))
        scored = {}
        for name in trunks:
            pairs = list(zip(feats[name], labels))
            scored[name] = probe(pairs[:half], pairs[half:], channels,
                                 seed=args.seed)
        diff = paired_auroc_bootstrap(scored['oclip'][1], scored['random'][1],
                                      num=args.bootstrap, seed=args.seed)
        result['levels'][level] = dict(oclip=scored['oclip'][0],
                                       random=scored['random'][0], **diff)
    text = json.dumps(result, indent=1)
    if args.out:
        from oclip_mmocr.utils.atomic_io import atomic_write_text
        atomic_write_text(text + '\n', args.out)
    print(text)
    return result


if __name__ == '__main__':
    main()
