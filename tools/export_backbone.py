# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Export the CLIPResNet trunk of an oCLIP checkpoint and verify it.

    python tools/export_backbone.py work_dirs/x/epoch_100.pth out/backbone.pth
    python tools/export_backbone.py --verify-only out/backbone.pth
    python tools/export_backbone.py DETECTOR.pth out.pth --prefix backbone.

The output holds tensors only, with CLIPResNet's key names; it is written
atomically and checked by loading it strictly into a freshly built
``CLIPResNet`` of the given depth (every key present, none unexpected, same
shapes, every value finite), else the tool fails and lists the differences.
Files are read with weights-only unpickling: one that would run code is
refused.
"""
import warnings

# mmengine imports pkg_resources, which warns at every import.
warnings.filterwarnings('ignore', message='pkg_resources is deprecated')
import argparse
import sys


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n'.join(__doc__.split('\n')[2:]))
    parser.add_argument('checkpoint', help='oCLIP checkpoint (or backbone '
                        'file with --verify-only)')
    parser.add_argument('out', nargs='?', help='output backbone file')
    parser.add_argument('--prefix', default='image_encoder.backbone.',
                        help="where the trunk sits in the checkpoint "
                        "(a detector's: 'backbone.')")
    parser.add_argument('--depth', type=int, default=None,
                        help='CLIPResNet depth (default: inferred)')
    parser.add_argument('--verify-only', action='store_true')
    return parser.parse_args(argv)


def verify(path: str, depth: int, base_channels: int = 64) -> int:
    from mmocr.registry import MODELS
    from oclip_mmocr.utils import load_backbone_strict
    backbone = MODELS.build(
        dict(type='CLIPResNet', depth=depth, base_channels=base_channels))
    load_backbone_strict(backbone, path)
    return len(backbone.state_dict())


def infer_base_channels(state) -> int:
    # stem.6 is the stem's last conv: out channels == base_channels.
    return int(state['stem.6.weight'].shape[0])


def prefix_hint(state) -> str:
    """What ``--prefix`` a checkpoint seems to need, as advice."""
    for prefix in ('backbone.', 'image_encoder.backbone.', 'module.'):
        if any(k.startswith(prefix + 'stem.') for k in state):
            return f'; its trunk is under {prefix!r}: pass --prefix {prefix}'
    if any(k.startswith('stem.') for k in state):
        return '; it is already a bare backbone: use --verify-only'
    return ''


def main(argv=None) -> int:
    args = parse_args(argv)
    from mmengine.registry import init_default_scope

    import oclip_mmocr  # noqa: F401
    from oclip_mmocr.utils import (extract_backbone, load_checkpoint_file,
                                   unwrap_state_dict)
    from oclip_mmocr.utils.atomic_io import atomic_save
    init_default_scope('mmocr')
    try:
        state = unwrap_state_dict(load_checkpoint_file(args.checkpoint))
        if args.verify_only:
            if 'stem.6.weight' not in state:
                raise KeyError(f'{args.checkpoint} is not a bare CLIPResNet '
                               f'backbone (no stem.6.weight)'
                               f'{prefix_hint(state)}')
            path = args.checkpoint
        else:
            if not args.out:
                print('error: give an output path (or --verify-only)',
                      file=sys.stderr)
                return 2
            try:
                state = extract_backbone(state, args.prefix)
            except KeyError as e:
                raise KeyError(f'{args.checkpoint}: {e.args[0]}'
                               f'{prefix_hint(state)}') from None
            from oclip_mmocr.utils.checkpoint_check import check_finite
            check_finite(state.items(), f'the trunk of {args.checkpoint}')
            atomic_save(state, args.out)
            path = args.out
        blocks = len(
            {k.split('.')[1]
             for k in state if k.startswith('layer3.')})
        depth = args.depth or {6: 50, 23: 101}.get(blocks)
        if depth is None:
            raise ValueError(f'cannot infer the depth from {blocks} blocks '
                             'in layer3; pass --depth')
        n = verify(path, depth, infer_base_channels(state))
    except (KeyError, ValueError, RuntimeError, OSError) as e:
        msg = e.args[0] if isinstance(e, KeyError) and e.args else str(e)
        print(f'error: {msg}', file=sys.stderr)
        return 1
    print(f'{path}: {n} tensors, loads strictly into CLIPResNet '
          f'(depth {depth}): 0 missing, 0 unexpected, all finite')
    return 0


if __name__ == '__main__':
    sys.exit(main())
