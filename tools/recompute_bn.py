# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Recompute the BN running statistics of a trained checkpoint over many
training images ("precise BN"; :class:`oclip_mmocr.engine.hooks.PreciseBNHook`
does the same at the end of training).

    python tools/recompute_bn.py CONFIG CHECKPOINT OUT.pth
    python tools/recompute_bn.py CONFIG CKPT OUT.pth --images 400 \
        --batch-size 8 --cfg-options synth_profile=synth_ctw1500

Only the BN buffers change (running mean, variance, batch count); every
learned weight is copied unchanged, and the rest of the checkpoint (meta,
optimizer) is kept, with ``meta.precise_bn`` saying how it was made. The
statistics come from the config's training loader (its transforms; the
batch size of ``--batch-size``, else the config's). The checkpoint must
load strictly into the config's model, else the tool stops and names the
keys (missing, unexpected, other shapes). It prints how far the old
statistics were from the recomputed ones.
"""
import warnings

# mmengine imports pkg_resources, which warns at every import.
warnings.filterwarnings('ignore', message='pkg_resources is deprecated')
import argparse
import copy
import math
import sys
from typing import Dict, List, Tuple

import torch
from mmengine.config import DictAction


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n\n'.join(__doc__.split('\n\n')[1:]))
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('out', help='where the new checkpoint goes')
    parser.add_argument('--images', type=int, default=200,
                        help='training images averaged over, rounded up to '
                        'whole batches (default 200)')
    parser.add_argument('--batch-size', type=int, default=None,
                        help="batch size of the statistics pass (default: "
                        "the config's train_dataloader.batch_size)")
    parser.add_argument('--seed', type=int, default=0,
                        help='seed of the loader (order and augmentation)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings')
    return parser.parse_args(argv)


def stat_shift(before: Dict[str, torch.Tensor],
               after: Dict[str, torch.Tensor]) -> Tuple[List[float],
                                                         List[float]]:
    """Per recomputed BN layer, the mean over channels of |old mean - new
    mean| in units of the new standard deviation, and of the ratio of the
    larger to the smaller variance."""
    shifts, ratios = [], []
    for key, new_mean in after.items():
        if not key.endswith('.running_mean') or \
                torch.equal(before[key], new_mean):
            continue
        stem = key[:-len('running_mean')]
        var, old_var = after[stem + 'running_var'], before[stem +
                                                          'running_var']
        shift = (before[key] - new_mean).abs() / (var + 1e-5).sqrt()
        shifts.append(float(shift.mean()))
        ratio = torch.maximum(var, old_var) / torch.minimum(
            var, old_var).clamp_min(1e-12)
        ratios.append(float(ratio.mean()))
    return shifts, ratios


def main(argv=None) -> int:
    args = parse_args(argv)
    from mmengine.registry import init_default_scope
    from mmengine.runner import Runner, set_random_seed

    from mmocr.registry import MODELS
    from oclip_mmocr.engine.hooks.precise_bn_hook import (bn_layers,
                                                          cycle_batches,
                                                          recompute_bn_stats)
    from oclip_mmocr.utils.atomic_io import atomic_save
    from oclip_mmocr.utils.backbone_io import (BackboneKeyMismatchError,
                                               check_strict,
                                               load_checkpoint_file,
                                               unwrap_state_dict)
    from oclip_mmocr.utils.cli import parse_config

    if args.images < 1:
        print(f'--images must be >= 1, got {args.images}', file=sys.stderr)
        return 2
    cfg = parse_config(args.config, args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmocr'))
    model = MODELS.build(cfg.model)
    ckpt = load_checkpoint_file(args.checkpoint)
    state = unwrap_state_dict(ckpt)
    try:
        check_strict(model, state, args.checkpoint)
    except BackboneKeyMismatchError as err:
        # Its first line speaks of a backbone; the lines after it list the
        # missing, unexpected and mis-shaped keys.
        details = str(err).split('\n', 1)[1]
        print(f'{args.checkpoint} does not match the model of '
              f'{args.config}:\n{details}', file=sys.stderr)
        return 1
    model.load_state_dict(state)
    loader_cfg = copy.deepcopy(cfg.train_dataloader)
    if args.batch_size:
        loader_cfg['batch_size'] = args.batch_size
    # One process: the statistics pass is cheap next to training.
    loader_cfg['num_workers'] = 0
    loader_cfg['persistent_workers'] = False
    # The transforms draw from the global generators in this process:
    # seeded, the same command gives the same statistics.
    set_random_seed(args.seed)
    loader = Runner.build_dataloader(loader_cfg, seed=args.seed)
    batch = loader.batch_size or 1
    before = {k: v.clone() for k, v in model.state_dict().items()
              if 'running_' in k}
    model.train()
    seen = recompute_bn_stats(model, cycle_batches(loader),
                              math.ceil(args.images / batch))
    layers = sum(int(m.num_batches_tracked) == seen
                 for m in bn_layers(model))
    model.eval()
    after = {k: v for k, v in model.state_dict().items() if 'running_' in k}
    shifts, ratios = (sorted(x) for x in stat_shift(before, after))
    new_state = model.state_dict()
    if isinstance(ckpt, dict) and 'state_dict' in ckpt:
        out = dict(ckpt)
        out['state_dict'] = new_state
    else:
        out = {'state_dict': new_state}
    meta = dict(out.get('meta') or {})
    meta['precise_bn'] = dict(source=args.checkpoint, batches=seen,
                              batch_size=batch, images=seen * batch,
                              seed=args.seed)
    out['meta'] = meta
    atomic_save(out, args.out)
    if shifts:
        print(f'{layers} BN layers recomputed over {seen} batches of {batch} '
              f'({seen * batch} training images); per layer (mean over '
              f'channels) the old running means were off by a median '
              f'{shifts[len(shifts) // 2]:.3f} and at most {shifts[-1]:.3f} '
              f'standard deviations, the old variances by a factor of a '
              f'median {ratios[len(ratios) // 2]:.2f} and at most '
              f'{ratios[-1]:.2f}')
    else:
        print('the model has no BN layer that takes batch statistics: '
              'nothing recomputed')
    print(f'written: {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
