# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Convert between a released oCLIP checkpoint (bytedance/oclip ``.pt``) and
ours.

    python tools/convert_official_checkpoint.py RN50.pt work_dirs/official \
        [--dict-file data/lsvt/released_dict.txt]
    python tools/convert_official_checkpoint.py --to-released \
        work_dirs/oclip_r50_synthtext/epoch_100.pth RN50_ours.pt

The first writes ``<out>/oclip_full.pth`` (an MMEngine-style
``{'state_dict': ...}`` for :class:`OCLIP`; every released tensor is mapped,
none dropped, and it is loaded strictly into a model built from the inferred
hyper-parameters) and ``<out>/backbone.pth`` (CLIPResNet keys, strictly
verified), ready for ``configs/finetune``. ``--to-released`` writes one of
our checkpoints in the released layout (``{'state_dict': {'module.…'}}``,
every tensor mapped): the file the released ``src/training/main.py
--pretrained`` reads (it reads ``state_dict`` only). It is not a file for
the released ``--resume``, which also reads ``epoch`` and its own AdamW
state (``optimizer``, two parameter groups in its parameter order): our
optimizer state does not map onto that, so training continues with
``--pretrained`` there, or with ``tools/train.py --resume`` here. Files are
read with ``weights_only=True``.
"""
import warnings

# mmengine imports pkg_resources, which warns at every import.
warnings.filterwarnings('ignore', message='pkg_resources is deprecated')
import argparse
import os.path as osp
import sys


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n'.join(__doc__.split('\n')[2:]))
    parser.add_argument('checkpoint',
                        help='released .pt file (ours with --to-released)')
    parser.add_argument('out', help='output directory (a file with '
                        '--to-released)')
    parser.add_argument('--dict-file', default=None,
                        help='character list for non-ASCII models (LSVT; '
                        'tools/dataset_converters/released_char_dict.py)')
    parser.add_argument('--to-released', action='store_true',
                        help='convert one of our checkpoints to the released '
                        'layout instead')
    return parser.parse_args(argv)


class ConversionError(Exception):
    """A problem with the input, said in one line."""


def read_state(path: str):
    """The checkpoint's tensors, with a one-line error for what cannot be
    read (missing, truncated, or needing code to unpickle)."""
    from oclip_mmocr.utils import load_checkpoint_file, unwrap_state_dict
    from oclip_mmocr.utils.checkpoint_check import (UnreadableCheckpointError,
                                                    UntrustedCheckpointError)
    if not osp.isfile(path):
        raise ConversionError(f'{path}: no such file')
    try:
        ckpt = load_checkpoint_file(path)
    except (UnreadableCheckpointError, UntrustedCheckpointError) as e:
        raise ConversionError(str(e).split('\n')[0]) from None
    try:
        return unwrap_state_dict(ckpt)
    except TypeError as e:
        raise ConversionError(f'{path}: {e}') from None


def layout_of(state) -> str:
    """``'released'``, ``'ours'``, ``'backbone'`` or ``'unknown'``."""
    keys = list(state)
    if any(k.startswith('visual.') for k in keys) and \
            'token_embedding.weight' in keys:
        return 'released'
    if any(k.startswith('image_encoder.backbone.') for k in keys):
        return 'ours'
    if any(k.startswith(('stem.', 'layer1.')) for k in keys):
        return 'backbone'
    return 'unknown'


def to_ours(args) -> str:
    import os

    import torch
    from mmengine.registry import init_default_scope

    import oclip_mmocr  # noqa: F401
    from mmocr.registry import MODELS
    from oclip_mmocr.utils import extract_backbone, load_backbone_strict
    from oclip_mmocr.utils.official_checkpoint import (build_model_cfg,
                                                       infer_model_cfg,
                                                       official_to_oclip)
    official = read_state(args.checkpoint)
    layout = layout_of(official)
    if layout == 'ours':
        raise ConversionError(
            f'{args.checkpoint} is already an oclip_mmocr checkpoint; use '
            'tools/export_backbone.py for its backbone, or --to-released')
    if layout == 'backbone':
        raise ConversionError(
            f'{args.checkpoint} holds a bare backbone (CLIPResNet keys), not '
            'a released oCLIP model; it loads into the finetune configs as '
            'it is (--cfg-options oclip_backbone=FILE)')
    if layout != 'released':
        raise ConversionError(
            f'{args.checkpoint} is not a released oCLIP checkpoint (no '
            'visual.* / token_embedding keys)')
    init_default_scope('mmocr')
    try:
        hp = infer_model_cfg(official)
        ours = official_to_oclip(official)
    except (KeyError, ValueError) as e:
        raise ConversionError(f'{args.checkpoint}: {e}') from None
    model = MODELS.build(build_model_cfg(hp, args.dict_file))
    vocab = model.dictionary.num_classes
    if vocab != hp['vocab_size']:
        raise ConversionError(
            f'{args.checkpoint} has {hp["vocab_size"]} character ids but the '
            f'dictionary gives {vocab}; pass the matching --dict-file')
    load_backbone_strict(model, ours)  # strict over the whole model

    os.makedirs(args.out, exist_ok=True)
    full = osp.join(args.out, 'oclip_full.pth')
    torch.save(dict(state_dict=ours, meta=dict(converted_from=args.checkpoint,
                                               model_hparams=hp)), full)
    backbone = extract_backbone(ours)
    bb_path = osp.join(args.out, 'backbone.pth')
    torch.save(backbone, bb_path)
    load_backbone_strict(model.image_encoder.backbone, bb_path)
    return (f'{len(official)} tensors mapped to {full} (strict load OK); '
            f'{len(backbone)} backbone tensors to {bb_path} (strict load '
            f'into CLIPResNet depth {hp["depth"]} OK)')


def to_released(args) -> str:
    import os

    import torch

    from oclip_mmocr.utils.official_checkpoint import (infer_model_cfg,
                                                       oclip_to_official)
    ours = read_state(args.checkpoint)
    layout = layout_of(ours)
    if layout == 'released':
        raise ConversionError(
            f'{args.checkpoint} is already in the released layout')
    if layout != 'ours':
        raise ConversionError(
            f'{args.checkpoint} is not a full oclip_mmocr OCLIP checkpoint '
            '(no image_encoder.backbone.* keys)')
    # Only the model's tensors: the data preprocessor holds none.
    model_state = {k: v for k, v in ours.items()
                   if not k.startswith('data_preprocessor.')}
    try:
        official = oclip_to_official(model_state)
        hp = infer_model_cfg(official)
    except (KeyError, ValueError) as e:
        raise ConversionError(f'{args.checkpoint}: {e}') from None
    out_dir = osp.dirname(osp.abspath(args.out))
    os.makedirs(out_dir, exist_ok=True)
    torch.save(dict(state_dict={f'module.{k}': v
                                for k, v in official.items()}), args.out)
    return (f'{len(official)} tensors in the released layout -> {args.out} '
            f'(R{hp["depth"]}, {hp["vocab_size"]} character ids); weights '
            'only: for the released main.py --pretrained, not --resume')


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        message = to_released(args) if args.to_released else to_ours(args)
    except ConversionError as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    print(message)
    return 0


if __name__ == '__main__':
    sys.exit(main())
