# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Overlay oCLIP's decoder attention for masked words on an image.

    python tools/visualize_attention.py CONFIG CHECKPOINT IMAGE \
        --words hello:1 world:0 --out attn.png

Each word is given as ``word:index``; the character at ``index`` is masked
and the model predicts it from the image. The figure shows, per word, the
last decoder layer's attention (averaged over heads) upsampled onto the
image, titled with the masked word and the prediction (the paper's
character-attention figure).
"""
import argparse
import sys
from typing import List, Tuple

import matplotlib

matplotlib.use('Agg')
import cv2  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import mmcv  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from mmengine.structures import BaseDataElement  # noqa: E402

import oclip_mmocr  # noqa: E402,F401
from mmocr.registry import MODELS  # noqa: E402
from oclip_mmocr.utils import (load_checkpoint_file,  # noqa: E402
                               unwrap_state_dict)


def parse_word(spec: str) -> Tuple[str, int]:
    word, sep, idx = spec.rpartition(':')
    if not sep or not idx.isdigit() or not word:
        raise ValueError(f'expected word:index, got {spec!r}')
    if int(idx) >= len(word):
        raise ValueError(f'{spec!r}: index {idx} is outside the word')
    return word, int(idx)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('image')
    parser.add_argument('--words', nargs='+', required=True,
                        help='word:index pairs (index = masked character)')
    parser.add_argument('--size', type=int, default=None,
                        help='input side (default: the model grid x 32)')
    parser.add_argument('--out', default='attention.png')
    args = parser.parse_args()
    init_default_scope('mmocr')
    try:
        words: List[Tuple[str, int]] = [parse_word(w) for w in args.words]
    except ValueError as e:
        print(e, file=sys.stderr)
        return 2

    cfg = Config.fromfile(args.config)
    model = MODELS.build(cfg.model)
    state = unwrap_state_dict(load_checkpoint_file(args.checkpoint))
    model.load_state_dict(state, strict=True)
    model.eval()
    if model.decoder is None:
        print('this model has no visual-textual decoder', file=sys.stderr)
        return 1
    d = model.dictionary

    img = mmcv.imread(args.image, 'color')
    if img is None:
        print(f'cannot read image {args.image}', file=sys.stderr)
        return 1
    size = args.size or model.decoder.image_pos.shape[0]**0.5 * 32
    size = int(size)
    resized = mmcv.imresize(img, (size, size), interpolation='bicubic')

    tokens, chars = [], []
    for word, idx in words:
        if d.check_word(word) is not None:
            print(f'{word!r}: {d.check_word(word)}', file=sys.stderr)
            return 1
        ids, n = d.encode(word)
        if idx >= n:
            print(f'{word!r}: index {idx} is truncated away', file=sys.stderr)
            return 1
        chars.append(ids[idx])
        ids[idx] = d.mask_id
        tokens.append(ids)
    sample = BaseDataElement(metainfo=dict(img_path=args.image))
    sample.gt_tokens = torch.tensor(tokens)
    sample.gt_chars = torch.tensor(chars)
    data = dict(
        inputs=[torch.from_numpy(resized.transpose(2, 0, 1).copy())],
        data_samples=[sample])
    with torch.no_grad():
        data = model.data_preprocessor(data, training=False)
        pred = model(**data, mode='predict')[0]

    rgb = cv2.cvtColor(resized, cv2.COLOR_BGR2RGB)
    fig, axes = plt.subplots(
        1, len(words) + 1, figsize=(3 * (len(words) + 1), 3.2))
    axes[0].imshow(rgb)
    axes[0].set_title('image')
    for ax, (word, idx), attn, c, p in zip(axes[1:], words, pred.attn_maps,
                                           pred.pred_chars,
                                           pred.pred_scores):
        heat = cv2.resize(attn.numpy(), (size, size),
                          interpolation=cv2.INTER_CUBIC)
        heat = (heat - heat.min()) / max(float(np.ptp(heat)), 1e-8)
        ax.imshow(rgb)
        ax.imshow(heat, cmap='jet', alpha=0.5)
        masked = word[:idx] + '?' + word[idx + 1:]
        ok = 'ok' if c == word[idx] else 'wrong'
        ax.set_title(f'{masked} -> {c!r} {float(p):.2f} ({ok})', fontsize=9)
    for ax in axes:
        ax.axis('off')
    fig.tight_layout()
    fig.savefig(args.out, dpi=100)
    print(f'saved {args.out}: ' + ', '.join(
        f'{w[:i]}?{w[i + 1:]} -> {c}' for (w, i), c in zip(
            words, pred.pred_chars)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
