# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Where a pretraining step's time goes: ours vs the released code.

Each part of one step is timed on its own, forward and backward, on the
inputs it receives in the real step (captured from a full forward pass),
ours and the released model's counterpart interleaved round by round:

- trunk (stem + 4 stages), attention pool, text encoder, visual-textual
  decoder, losses (contrastive + masked character), optimiser step (AdamW);
- ours only: the data preprocessor on uint8 images, and the per-sample
  Python that pads words into slots (``_stack_words``).

The parts' sum is printed next to the measured full step (the rest is
autograd bookkeeping and the layout hook). Markdown goes to stdout (the
table in docs/speed.md), progress to stderr.

    python benchmarks/profile_pretrain_step.py \
        --released-model /path/to/oclip/src/clip/model.py
"""
import argparse
import statistics
import sys
import time
from typing import Callable, Dict, List, Sequence

import torch
import torch.nn.functional as F

sys.path.insert(0, __file__.rsplit('/', 1)[0])
from bench_pretrain_step import (build_ours, load_released,  # noqa: E402
                                 make_batch, released_loss)
from common import (describe_machine, machine_line, sync,  # noqa: E402
                    timed, write_doc_block)

from mmengine.registry import init_default_scope  # noqa: E402


def leaf(x):
    if isinstance(x, torch.Tensor) and x.is_floating_point():
        return x.detach().clone().requires_grad_(True)
    return x


def fwd_bwd(fn: Callable, inputs: Sequence, device: str) -> tuple:
    """(forward s, backward s) of ``fn(*inputs)`` with fresh leaves and a
    random gradient for every floating output."""
    inputs = [leaf(x) for x in inputs]
    sync(device)
    t0 = time.perf_counter()
    out = fn(*inputs)
    sync(device)
    t1 = time.perf_counter()
    outs = [o for o in (out if isinstance(out, (tuple, list)) else [out])
            if isinstance(o, torch.Tensor) and o.requires_grad]
    grads = [torch.randn_like(o) for o in outs]
    sync(device)
    t2 = time.perf_counter()
    torch.autograd.backward(outs, grads)
    sync(device)
    return t1 - t0, time.perf_counter() - t2


def parts_ours(model, batch, device) -> Dict[str, Callable]:
    images, samples, _, _ = batch
    enc = model.image_encoder
    with torch.no_grad():
        feats = enc.backbone(images)[-1]
        tokens_all = enc.attnpool(feats)
        img_emb, img_tok = tokens_all[:, 0], tokens_all[:, 1:]
        tokens, targets, valid = model._stack_words(samples, images.device)
        words, text_emb = model._encode_words(tokens, valid)
        grid = (images.shape[-2] // 32, images.shape[-1] // 32)
        logits, _ = model.decoder(words, img_tok, grid)
    b, s, length = tokens.shape
    raw = [(torch.rand(3, images.shape[-2], images.shape[-1]) * 255).to(
        torch.uint8) for _ in range(b)]
    opt = torch.optim.AdamW(model.parameters(), lr=1e-5)
    for p in model.parameters():
        p.grad = torch.randn_like(p)

    def losses(ie, te, lg):
        return (model.loss_contrastive(ie, te) +
                model.loss_char(lg, targets, valid))

    return {
        'data preprocessor': lambda: timed(lambda: model.data_preprocessor(
            dict(inputs=raw, data_samples=samples), training=True), device),
        'word slots (_stack_words)': lambda: timed(
            lambda: model._stack_words(samples, images.device), device),
        'trunk': lambda: fwd_bwd(lambda x: enc.backbone(x)[-1], [images],
                                 device),
        'attention pool': lambda: fwd_bwd(enc.attnpool, [feats], device),
        'text encoder': lambda: fwd_bwd(
            lambda t: model.text_encoder(t.view(b * s, length)), [tokens],
            device),
        'decoder': lambda: fwd_bwd(
            lambda w, t: model.decoder(w, t, grid)[0], [words, img_tok],
            device),
        'losses': lambda: fwd_bwd(losses, [img_emb, text_emb, logits],
                                  device),
        'optimizer step': lambda: timed(opt.step, device),
    }


def parts_released(model, batch, device) -> Dict[str, Callable]:
    images, _, texts, chars = batch
    v = model.visual

    def trunk(x):
        for conv, bn in ((v.conv1, v.bn1), (v.conv2, v.bn2),
                         (v.conv3, v.bn3)):
            x = v.relu(bn(conv(x)))
        x = v.avgpool(x)
        return v.layer4(v.layer3(v.layer2(v.layer1(x))))

    grid = images.shape[-1] // 32
    mask = torch.zeros(images.shape[0], grid * grid, dtype=torch.bool,
                       device=images.device)
    with torch.no_grad():
        feats = trunk(images)
        enc, _ = v.attnpool(feats)
        words = model.encode_text(texts, None)
        dec, _ = model.att_text_to_image(enc[1:], words, mask)
        logits = model.text_class(dec)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-5)
    for p in model.parameters():
        p.grad = torch.randn_like(p)
    valid = chars != 0

    def losses(ie, te, lg):
        ie = ie / ie.norm(dim=-1, keepdim=True)
        te = te.mean(1)
        te = te / te.norm(dim=-1, keepdim=True)
        li = model.logit_scale.exp() * ie @ te.t()
        labels = torch.arange(len(li), device=li.device)
        return F.cross_entropy(lg[valid], chars[valid]) + (
            F.cross_entropy(li, labels) + F.cross_entropy(li.t(), labels)) / 2

    def decoder(tok, w):
        out, _ = model.att_text_to_image(tok, w, mask)
        return model.text_class(out)

    return {
        'trunk': lambda: fwd_bwd(trunk, [images], device),
        'attention pool': lambda: fwd_bwd(lambda x: v.attnpool(x)[0],
                                          [feats], device),
        'text encoder': lambda: fwd_bwd(
            lambda t: model.encode_text(t, None), [texts], device),
        'decoder': lambda: fwd_bwd(decoder, [enc[1:], words], device),
        'losses': lambda: fwd_bwd(losses, [enc[0], words, logits], device),
        'optimizer step': lambda: timed(opt.step, device),
    }


def full_step_ours(model, batch):
    images, samples = batch[:2]
    opt = torch.optim.AdamW(model.parameters(), lr=1e-5)

    def step():
        losses = model.loss(images, samples)
        loss = losses['loss_char'] + losses['loss_contrastive']
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    return step


def full_step_released(model, batch):
    images, _, texts, chars = batch
    opt = torch.optim.AdamW(model.parameters(), lr=1e-5)

    def step():
        loss = released_loss(model, images, texts, chars)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    return step


def fmt(x) -> str:
    return '-' if x is None else f'{1000 * x:.0f}'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--batch-size', type=int, default=4)
    parser.add_argument('--size', type=int, default=512)
    parser.add_argument('--slots', type=int, default=32)
    parser.add_argument('--words', type=int, default=8)
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--device', default='cuda'
                        if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--released-model', required=True,
                        help='path to bytedance/oclip src/clip/model.py')
    parser.add_argument('--write-doc', '--write-readme', dest='write_doc',
                        default=None, metavar='PAGE',
                        help='write the table into PAGE (docs/speed.md) '
                        'between <!-- bench:profile-SIZExBATCH --> markers')
    args = parser.parse_args()
    init_default_scope('mmocr')
    torch.manual_seed(0)
    dev = args.device
    ours = build_ours(args.size, args.slots, channels_last=False).to(dev)
    ours.image_encoder.channels_last = False
    ours.train()
    batch = make_batch(args.batch_size, args.size, args.words, args.slots,
                       dev)
    released = load_released(args.released_model, args.size,
                             ours.state_dict(), dev)
    released.train()
    print(f'profiling (ours, released) x {args.rounds} rounds ...',
          file=sys.stderr, flush=True)
    parts = dict(ours=parts_ours(ours, batch, dev),
                 released=parts_released(released, batch, dev))
    steps = dict(ours=full_step_ours(ours, batch),
                 released=full_step_released(released, batch))
    names: List[str] = list(parts['ours'])
    times = {(who, n): [] for who in parts for n in parts[who]}
    full = {who: [] for who in steps}
    for who in steps:  # warm-up
        steps[who]()
        for fn in parts[who].values():
            fn()
    for r in range(args.rounds):
        for who in ('released', 'ours'):
            full[who].append(timed(steps[who], dev))
            for n, fn in parts[who].items():
                times[(who, n)].append(fn())
        print(f'round {r + 1}/{args.rounds} done', file=sys.stderr,
              flush=True)

    def med(who, n):
        runs = times.get((who, n))
        if not runs:
            return None
        if isinstance(runs[0], tuple):
            return tuple(statistics.median(x[i] for x in runs)
                         for i in range(2))
        return (statistics.median(runs), 0.)

    out = []
    emit = out.append
    emit(f'{machine_line(dev)}. Batch {args.batch_size} x '
          f'{args.size}x{args.size}, {args.slots} word slots '
          f'({args.words} real words per image), eager fp32, median of '
          f'{args.rounds} interleaved rounds, milliseconds.')
    emit('')
    emit('| part | released fwd + bwd | ours fwd + bwd | ours / released |')
    emit('| --- | --- | --- | --- |')
    total = dict(ours=0., released=0.)
    for n in names:
        row = []
        for who in ('released', 'ours'):
            m = med(who, n)
            if m is None:
                row.append('-')
                continue
            total[who] += sum(m)
            row.append(f'{fmt(m[0])} + {fmt(m[1])}' if m[1] else fmt(m[0]))
        r, o = med('released', n), med('ours', n)
        ratio = f'{sum(o) / sum(r):.2f}' if r and o else '-'
        emit(f'| {n} | {row[0]} | {row[1]} | {ratio} |')
    for who in ('released', 'ours'):
        total[who + '_step'] = statistics.median(full[who])
    emit(f"| sum of parts | {fmt(total['released'])} | "
          f"{fmt(total['ours'])} | "
          f"{total['ours'] / total['released']:.2f} |")
    emit(f"| full step (measured) | {fmt(total['released_step'])} | "
          f"{fmt(total['ours_step'])} | "
          f"{total['ours_step'] / total['released_step']:.2f} |")
    table = '\n'.join(out)
    print(table)
    if args.write_doc:
        write_doc_block(args.write_doc,
                           f'profile-{args.size}x{args.batch_size}', table)


if __name__ == '__main__':
    main()
