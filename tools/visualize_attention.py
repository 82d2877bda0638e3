# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Overlay oCLIP's decoder attention for masked words on an image.

    python tools/visualize_attention.py CONFIG CHECKPOINT IMAGE \
        --words hello:1 world:0 --out attn.png

Each word is given as ``word:index``; the character at ``index`` is masked
and the model predicts it from the image. The figure shows, per word, the
last decoder layer's attention (averaged over heads) upsampled onto the
image, titled with the masked word and the prediction (the paper's
character-attention figure), with a colour bar.

The model gets the image as pretraining gives it: resized to its square
input (``--letterbox`` pads it to a square instead, keeping its shape); the
figure always shows the image with its own aspect ratio, the attention
mapped back onto it. A queried word that is not among the image's
transcriptions (read from ``--ann-file``, or found as MMOCR's
``<data_root>/textdet_<split>.json`` for ``<data_root>/imgs/<split>/``) is
warned about: its attention shows nothing.
"""
import warnings

# mmengine imports pkg_resources, which warns at every import.
warnings.filterwarnings('ignore', message='pkg_resources is deprecated')
import argparse
import glob
import json
import os.path as osp
import sys
from typing import List, Optional, Set, Tuple

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


def transcriptions(image: str, ann_file: Optional[str]) -> Optional[Set[str]]:
    """The image's words from an MMOCR annotation file, if one is known."""
    if ann_file is None:
        split_dir = osp.dirname(osp.abspath(image))
        root = osp.dirname(osp.dirname(split_dir))
        found = glob.glob(osp.join(
            root, f'text*_{osp.basename(split_dir)}.json'))
        if not found:
            return None
        ann_file = found[0]
    with open(ann_file, encoding='utf-8') as f:
        ann = json.load(f)
    for item in ann.get('data_list', []):
        if osp.basename(item.get('img_path', '')) == osp.basename(image):
            return {i.get('text', '') for i in item.get('instances', [])}
    return None


def letterbox(img: np.ndarray, size: int) -> Tuple[np.ndarray, Tuple]:
    """``img`` scaled into a ``size`` square, padded with grey: the image
    and its ``(x0, y0, w, h)`` inside the square."""
    h, w = img.shape[:2]
    s = size / max(h, w)
    nw, nh = max(round(w * s), 1), max(round(h * s), 1)
    out = np.full((size, size, 3), 127, np.uint8)
    x0, y0 = (size - nw) // 2, (size - nh) // 2
    out[y0:y0 + nh, x0:x0 + nw] = mmcv.imresize(
        img, (nw, nh), interpolation='bicubic')
    return out, (x0, y0, nw, nh)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('image')
    parser.add_argument('--words', nargs='+', required=True,
                        help='word:index pairs (index = masked character)')
    parser.add_argument('--size', type=int, default=None,
                        help='input side (default: the model grid x 32)')
    parser.add_argument('--letterbox', action='store_true',
                        help='pad to the square input instead of resizing '
                        '(pretraining resizes)')
    parser.add_argument('--ann-file', default=None,
                        help="MMOCR annotation JSON with the image's words")
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
    h, w = img.shape[:2]
    if args.letterbox:
        resized, (x0, y0, nw, nh) = letterbox(img, size)
    else:
        resized, (x0, y0, nw, nh) = mmcv.imresize(
            img, (size, size), interpolation='bicubic'), (0, 0, size, size)
    known = transcriptions(args.image, args.ann_file)
    for word, _ in words:
        if known is not None and word not in known:
            print(f'warning: {word!r} is not among the transcriptions of '
                  f'{args.image} ({", ".join(sorted(known)) or "none"}); its '
                  'attention map shows nothing in particular',
                  file=sys.stderr)

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

    # Shown with the image's own aspect ratio: the attention over the square
    # input (minus any padding) is mapped back onto the original image.
    rgb = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
    panel_w = 3.2 * w / max(h, w) + 0.8
    fig, axes = plt.subplots(
        1, len(words) + 1,
        figsize=(panel_w * (len(words) + 1), 3.4 * h / max(h, w) + 0.6))
    axes[0].imshow(rgb)
    axes[0].set_title('image')
    for ax, (word, idx), attn, c, p in zip(axes[1:], words, pred.attn_maps,
                                           pred.pred_chars,
                                           pred.pred_scores):
        heat = cv2.resize(attn.numpy(), (size, size),
                          interpolation=cv2.INTER_CUBIC)
        heat = cv2.resize(heat[y0:y0 + nh, x0:x0 + nw], (w, h),
                          interpolation=cv2.INTER_LINEAR)
        heat = (heat - heat.min()) / max(float(np.ptp(heat)), 1e-8)
        ax.imshow(rgb)
        shown = ax.imshow(heat, cmap='jet', alpha=0.5, vmin=0, vmax=1)
        cbar = fig.colorbar(shown, ax=ax, fraction=0.046, pad=0.02)
        cbar.ax.tick_params(labelsize=6)
        cbar.set_label('attention (scaled to 0-1)', fontsize=6)
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
