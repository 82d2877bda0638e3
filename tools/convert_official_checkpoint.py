# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Convert a released oCLIP checkpoint (bytedance/oclip ``.pt``).

    python tools/convert_official_checkpoint.py RN50.pt work_dirs/official \
        [--dict-file data/lsvt/dict.txt]

writes ``<out>/oclip_full.pth`` (an MMEngine-style ``{'state_dict': ...}``
for :class:`OCLIP`; every released tensor is mapped, none dropped, and it is
loaded strictly into a model built from the inferred hyper-parameters) and
``<out>/backbone.pth`` (CLIPResNet keys, strictly verified), ready for
``configs/finetune``. The file is read with ``weights_only=True``.
"""
import argparse
import os
import os.path as osp
import sys

import torch

import oclip_mmocr  # noqa: F401
from mmengine.registry import init_default_scope
from mmocr.registry import MODELS
from oclip_mmocr.utils import (extract_backbone, load_backbone_strict,
                               load_checkpoint_file, unwrap_state_dict)
from oclip_mmocr.utils.official_checkpoint import (build_model_cfg,
                                                   infer_model_cfg,
                                                   official_to_oclip)


def main() -> int:
    init_default_scope('mmocr')
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('checkpoint', help='released oCLIP .pt file')
    parser.add_argument('out_dir')
    parser.add_argument('--dict-file', default=None,
                        help='character list for non-ASCII models (LSVT)')
    args = parser.parse_args()

    official = unwrap_state_dict(load_checkpoint_file(args.checkpoint))
    hp = infer_model_cfg(official)
    ours = official_to_oclip(official)
    model = MODELS.build(build_model_cfg(hp, args.dict_file))
    vocab = model.dictionary.num_classes
    if vocab != hp['vocab_size']:
        print(f'the checkpoint has {hp["vocab_size"]} character ids but the '
              f'dictionary gives {vocab}; pass the matching --dict-file',
              file=sys.stderr)
        return 1
    load_backbone_strict(model, ours)  # strict over the whole model

    os.makedirs(args.out_dir, exist_ok=True)
    full = osp.join(args.out_dir, 'oclip_full.pth')
    torch.save(dict(state_dict=ours, meta=dict(converted_from=args.checkpoint,
                                               model_hparams=hp)), full)
    backbone = extract_backbone(ours)
    bb_path = osp.join(args.out_dir, 'backbone.pth')
    torch.save(backbone, bb_path)
    load_backbone_strict(model.image_encoder.backbone, bb_path)
    print(f'{len(official)} tensors mapped to {full} (strict load OK); '
          f'{len(backbone)} backbone tensors to {bb_path} (strict load into '
          f'CLIPResNet depth {hp["depth"]} OK)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
