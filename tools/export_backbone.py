# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Export the CLIPResNet trunk of an oCLIP checkpoint and verify it.

    python tools/export_backbone.py work_dirs/x/epoch_100.pth out/backbone.pth
    python tools/export_backbone.py --verify-only out/backbone.pth

The output holds tensors only, with CLIPResNet's key names; it is checked by
loading it strictly into a freshly built ``CLIPResNet`` of the given depth
(every key present, none unexpected, same shapes), else the tool fails and
lists the differences.
"""
import argparse
import sys

import torch

import oclip_mmocr  # noqa: F401
from mmengine.registry import init_default_scope
from mmocr.registry import MODELS
from oclip_mmocr.utils import (BACKBONE_PREFIX, extract_backbone,
                               load_backbone_strict, load_checkpoint_file,
                               unwrap_state_dict)


def verify(path: str, depth: int, base_channels: int = 64) -> int:
    backbone = MODELS.build(
        dict(type='CLIPResNet', depth=depth, base_channels=base_channels))
    load_backbone_strict(backbone, path)
    return len(backbone.state_dict())


def infer_base_channels(state) -> int:
    # stem.6 is the stem's last conv: out channels == base_channels.
    return int(state['stem.6.weight'].shape[0])


def main() -> int:
    init_default_scope('mmocr')
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('checkpoint', help='oCLIP checkpoint (or backbone '
                        'file with --verify-only)')
    parser.add_argument('out', nargs='?', help='output backbone file')
    parser.add_argument('--prefix', default=BACKBONE_PREFIX)
    parser.add_argument('--depth', type=int, default=None,
                        help='CLIPResNet depth (default: inferred)')
    parser.add_argument('--verify-only', action='store_true')
    args = parser.parse_args()

    if args.verify_only:
        state = unwrap_state_dict(load_checkpoint_file(args.checkpoint))
        path = args.checkpoint
    else:
        if not args.out:
            parser.error('give an output path (or --verify-only)')
        state = extract_backbone(
            unwrap_state_dict(load_checkpoint_file(args.checkpoint)),
            args.prefix)
        torch.save(state, args.out)
        path = args.out
    blocks = len({k.split('.')[1] for k in state if k.startswith('layer3.')})
    depth = args.depth or {6: 50, 23: 101}.get(blocks)
    if depth is None:
        print(f'cannot infer the depth from {blocks} blocks in layer3; '
              'pass --depth', file=sys.stderr)
        return 1
    n = verify(path, depth, infer_base_channels(state))
    print(f'{path}: {n} tensors, loads strictly into CLIPResNet '
          f'(depth {depth}): 0 missing, 0 unexpected')
    return 0


if __name__ == '__main__':
    sys.exit(main())
