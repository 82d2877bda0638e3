# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Pretraining step throughput (images/s) and peak memory of oCLIP R50.

Every variant runs in this process on the same batch, and is reported as a
ratio to the first one (the baseline). Variants:

- ``released``: the released oCLIP model code (bytedance/oclip
  ``src/clip/model.py``, pass its path with ``--released-model``), with our
  weights mapped into it; its loss is checked against ours before timing.
- ``fp32``: our model, fp32, the released code's settings (32 word slots,
  all-slot text pooling, halved contrastive term), contiguous tensors.
- ``fp32-cl``: the same with the trunk in channels-last memory format.
- ``fp32-cl-compile``: and the trunk compiled with ``torch.compile`` (the
  compilation happens in the untimed warm-up step).
- ``bf16``/``fp16``: autocast on top of ``fp32-cl`` (fp16 on GPU only);
  ``bf16-compile`` adds the compiled trunk.

    python benchmarks/bench_pretrain_step.py --batch-size 4 --size 512 \
        --released-model /path/to/oclip/src/clip/model.py
"""
import argparse
import copy
import importlib.util
import sys
from typing import Dict, List

import torch
import torch.nn.functional as F
from mmengine.registry import init_default_scope
from mmengine.structures import BaseDataElement

sys.path.insert(0, __file__.rsplit('/', 1)[0])
from common import autocast, describe_machine, time_steps  # noqa: E402

import oclip_mmocr  # noqa: E402,F401
from mmocr.registry import MODELS  # noqa: E402
from oclip_mmocr.utils.official_checkpoint import oclip_to_official  # noqa


def build_ours(size: int, slots: int, channels_last: bool):
    grid = size // 32
    return MODELS.build(
        dict(
            type='OCLIP',
            text_pooling='all_slots',
            num_word_slots=slots,
            image_encoder=dict(
                type='OCLIPImageEncoder',
                channels_last=channels_last,
                backbone=dict(type='CLIPResNet', depth=50,
                              out_indices=(3, )),
                attnpool=dict(type='AttentionPool2d', grid_size=grid,
                              in_channels=2048, num_heads=32,
                              out_channels=384)),
            text_encoder=dict(type='CharTextEncoder', width=64,
                              num_layers=6, num_heads=8, embed_dims=384),
            decoder=dict(type='VisualTextualDecoder', grid_size=grid,
                         embed_dims=384, num_layers=6, num_heads=8),
            loss_contrastive=dict(type='BatchContrastiveLoss', halve=True,
                                  max_logit_scale=None)))


def make_batch(b: int, size: int, words_per_image: int, slots: int,
               device: str):
    g = torch.Generator().manual_seed(0)
    images = torch.randn(b, 3, size, size, generator=g)
    samples: List[BaseDataElement] = []
    texts = torch.zeros(b, slots, 25, dtype=torch.long)
    chars = torch.zeros(b, slots, dtype=torch.long)
    for i in range(b):
        n = words_per_image
        tokens = torch.zeros(n, 25, dtype=torch.long)
        lengths = torch.randint(3, 12, (n, ), generator=g)
        for j, length in enumerate(lengths.tolist()):
            tokens[j, :length] = torch.randint(1, 95, (length, ), generator=g)
            tokens[j, length] = 96
        pos = [int(torch.randint(0, int(l), (1, ), generator=g))
               for l in lengths]
        target = tokens[torch.arange(n), pos].clone()
        tokens[torch.arange(n), pos] = 95
        s = BaseDataElement()
        s.gt_tokens, s.gt_chars = tokens, target
        samples.append(s.to(device))
        texts[i, :n], chars[i, :n] = tokens, target
    return images.to(device), samples, texts.to(device), chars.to(device)


def load_released(path: str, size: int, ours_state: Dict, device: str):
    spec = importlib.util.spec_from_file_location('oclip_released', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    model = mod.oCLIP(False, 384, size, (3, 4, 6, 3), 64, None, 25, 97, 64,
                      8, 6, 6)
    model.load_state_dict(oclip_to_official(ours_state), strict=True)
    return model.to(device)


def released_loss(model, images, texts, chars):
    # The released training loss (single process): masked-character CE over
    # real words plus the halved symmetric contrastive loss.
    grid = images.shape[-1] // 32
    image_mask = torch.zeros(images.shape[0], grid, grid, dtype=torch.bool,
                             device=images.device)
    img, txt, logits, scale = model(images, texts, image_mask)
    valid = chars != 0
    char_loss = F.cross_entropy(logits[valid].float(), chars[valid])
    li = scale * img @ txt.t()
    labels = torch.arange(len(li), device=li.device)
    return char_loss + (F.cross_entropy(li, labels) +
                        F.cross_entropy(li.t(), labels)) / 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--batch-size', type=int, default=4)
    parser.add_argument('--size', type=int, default=512)
    parser.add_argument('--slots', type=int, default=32)
    parser.add_argument('--words', type=int, default=8,
                        help='real words per image')
    parser.add_argument('--steps', type=int, default=3)
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--device', default='cuda'
                        if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--released-model', default=None,
                        help='path to bytedance/oclip src/clip/model.py')
    parser.add_argument('--variants', default=None,
                        help='comma list (default: all that apply)')
    args = parser.parse_args()
    init_default_scope('mmocr')
    dev = args.device
    torch.manual_seed(0)

    base = build_ours(args.size, args.slots, channels_last=False).to(dev)
    images, samples, texts, chars = make_batch(args.batch_size, args.size,
                                               args.words, args.slots, dev)
    variants = ['released'] if args.released_model else []
    variants += ['fp32', 'fp32-cl', 'fp32-cl-compile', 'bf16', 'bf16-compile']
    if dev.startswith('cuda'):
        variants.append('fp16')
    if args.variants:
        variants = [v for v in args.variants.split(',')]

    def ours_step_fn(model, dtype):
        opt = torch.optim.AdamW(model.parameters(), lr=1e-5)
        scaler = torch.amp.GradScaler(enabled=dtype == 'fp16')

        def step():
            with autocast(dev, dtype):
                losses = model.loss(images, samples)
                loss = losses['loss_char'] + losses['loss_contrastive']
            opt.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
            return loss

        return step

    # Numerics: the same weights give the same loss in every fp32 variant.
    with torch.no_grad():
        ref = ours_step_fn(copy.deepcopy(base), 'fp32')  # noqa
        ref_losses = base.loss(images, samples)
        ref_loss = float(ref_losses['loss_char'] +
                         ref_losses['loss_contrastive'])
    print(f'# {describe_machine(dev)}, torch {torch.__version__}, batch '
          f'{args.batch_size} x {args.size}px, {args.slots} word slots '
          f'({args.words} real words/image), {args.steps} timed steps')
    results = []
    for name in variants:
        if name == 'released':
            model = load_released(args.released_model, args.size,
                                  base.state_dict(), dev)
            model.train()
            with torch.no_grad():
                check = float(released_loss(model, images, texts, chars))
            opt = torch.optim.AdamW(model.parameters(), lr=1e-5)

            def step(model=model, opt=opt):
                loss = released_loss(model, images, texts, chars)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
        else:
            model = copy.deepcopy(base)
            if name != 'fp32':
                model.image_encoder.channels_last = True
                model.image_encoder.backbone.to(
                    memory_format=torch.channels_last)
            if name.endswith('compile'):
                model.image_encoder.backbone.compile()
            dtype = name.split('-')[0]
            with torch.no_grad(), autocast(dev, dtype):
                losses = model.loss(images, samples)
                check = float(losses['loss_char'] +
                              losses['loss_contrastive'])
            step = ours_step_fn(model, dtype)
        r = time_steps(step, dev, args.warmup, args.steps)
        r.update(name=name, loss_diff=abs(check - ref_loss))
        results.append(r)
        del model, step
    base_ips = args.batch_size / results[0]['seconds']
    print(f'| variant | images/s | vs {results[0]["name"]} | peak memory '
          '(MiB) | |loss - fp32 loss| |')
    print('| --- | --- | --- | --- | --- |')
    for r in results:
        ips = args.batch_size / r['seconds']
        print(f'| {r["name"]} | {ips:.3f} | {ips / base_ips:.2f}x | '
              f'{r["peak_mib"]:.0f} | {r["loss_diff"]:.2e} |')


if __name__ == '__main__':
    main()
