# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Pretraining step throughput (images/s) and peak memory of oCLIP R50.

Every variant runs in this process on the same batch; their steps are
interleaved over several rounds (so drifts of a shared machine hit them
alike) and each is reported by its median step as a ratio to the first one
(the baseline). On a CPU, peak memory is measured per variant in a child
process (peak RSS), since a CPU process cannot forget the
memory of a previous variant; on a GPU, the peak allocated while the
variant is built and stepped, counted from what was allocated before it
(the earlier variants' weights and optimiser states). Variants:

- ``released``: the released oCLIP model code (bytedance/oclip
  ``src/clip/model.py``, pass its path with ``--released-model``), with our
  weights mapped into it; its loss is checked against ours before timing.
- ``fp32``: our model, fp32, the released code's settings (32 word slots,
  all-slot text pooling, halved contrastive term), contiguous tensors.
- ``fp32-compile``: ``fp32`` with the trunk compiled by ``torch.compile``
  (contiguous; compilation happens in the untimed warm-up step).
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
import os.path as osp
import statistics
import subprocess
import sys
from typing import Dict, List

import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.structures import BaseDataElement

sys.path.insert(0, __file__.rsplit('/', 1)[0])
from common import (autocast, describe_machine, machine_line,  # noqa: E402
                    peak_memory_mib, timed, write_doc_block)

import oclip_mmocr  # noqa: E402,F401
from mmocr.registry import MODELS  # noqa: E402
from oclip_mmocr.utils.official_checkpoint import oclip_to_official  # noqa


RELEASED_CFG = osp.join(
    osp.dirname(osp.dirname(osp.abspath(__file__))),
    'configs/pretrain/oclip_r50_synthtext_released.py')


def build_ours(size: int, slots: int, channels_last: bool):
    """The R50 model of the released-code config, sized for ``size``."""
    cfg = Config.fromfile(RELEASED_CFG).model
    grid = size // 32
    cfg.num_word_slots = slots
    cfg.image_encoder.channels_last = channels_last
    cfg.image_encoder.compile = False  # variants compile themselves
    cfg.image_encoder.attnpool.grid_size = grid
    cfg.decoder.grid_size = grid
    return MODELS.build(cfg)


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


LABELS = {
    'released': 'released code',
    'fp32': 'ours, fp32',
    'fp32-compile': 'ours, fp32, compiled trunk',
    'fp32-compile-nolayout': 'ours, fp32, compiled trunk, inductor '
    'layout_optimization=False',
    'fp32-cl': 'ours, fp32, channels-last trunk',
    'fp32-cl-compile': 'ours, fp32, channels-last compiled trunk',
    'fp32-cl-compile-all': 'ours, fp32, channels-last compiled trunk, '
    'compiled attention pool, fused AdamW',
    'bf16': 'ours, bf16 autocast, channels-last',
    'bf16-compile': 'ours, bf16 autocast, channels-last, compiled',
    'fp16': 'ours, fp16 autocast, channels-last',
}


def build_variant(name: str, base, args, batch):
    """Return ``(step_fn, fp32_loss_of_this_variant)`` for a variant."""
    dev = args.device
    images, samples, texts, chars = batch
    if name == 'released':
        model = load_released(args.released_model, args.size,
                              base.state_dict(), dev)
        model.train()
        with torch.no_grad():
            check = float(released_loss(model, images, texts, chars))
        opt = torch.optim.AdamW(model.parameters(), lr=1e-5)

        def step():
            loss = released_loss(model, images, texts, chars)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()

        return step, check

    model = copy.deepcopy(base)
    if '-cl' in name or name.startswith(('bf16', 'fp16')):
        model.image_encoder.channels_last = True
        model.image_encoder.backbone.to(memory_format=torch.channels_last)
    if 'compile' in name:
        # -nolayout: inductor keeps the contiguous layout (by default it
        # makes graphs with oneDNN convolutions channels-last).
        model.image_encoder.backbone.compile(**(
            dict(options=dict(layout_optimization=False))
            if name.endswith('-nolayout') else {}))
    if name.endswith('-all'):
        # The attention pool too, and AdamW's fused kernel.
        model.image_encoder.attnpool.compile()
    dtype = name.split('-')[0]
    with torch.no_grad(), autocast(dev, dtype):
        losses = model.loss(images, samples)
        check = float(losses['loss_char'] + losses['loss_contrastive'])
    opt = torch.optim.AdamW(model.parameters(), lr=1e-5,
                            fused=True if name.endswith('-all') else None)
    scaler = torch.amp.GradScaler(enabled=dtype == 'fp16')

    def step():
        with autocast(dev, dtype):
            losses = model.loss(images, samples)
            loss = losses['loss_char'] + losses['loss_contrastive']
        opt.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()

    return step, check


def measure_memory(name: str, args) -> float:
    """Peak memory of one variant, in a fresh process on CPU."""
    if args.device.startswith('cuda'):
        return float('nan')  # measured in-process, see main()
    cmd = [sys.executable, __file__, '--memory-of', name]
    for key in ('batch_size', 'size', 'slots', 'words', 'device',
                'released_model'):
        value = getattr(args, key)
        if value is not None:
            cmd += [f'--{key.replace("_", "-")}', str(value)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--batch-size', type=int, default=4)
    parser.add_argument('--size', type=int, default=512)
    parser.add_argument('--slots', type=int, default=32)
    parser.add_argument('--words', type=int, default=8,
                        help='real words per image')
    parser.add_argument('--rounds', type=int, default=3,
                        help='timed steps per variant and run (interleaved)')
    parser.add_argument('--runs', type=int, default=2,
                        help='independent measurement runs, each reported')
    parser.add_argument('--write-doc', '--write-readme', dest='write_doc',
                        default=None, metavar='PAGE',
                        help='write the table into PAGE (docs/speed.md) '
                        'between <!-- bench:pretrain-SIZExBATCH-DEVICE --> '
                        'markers')
    parser.add_argument('--doc-key', default=None,
                        help='block name for --write-doc (default: '
                        'pretrain-SIZExBATCH-DEVICE)')
    parser.add_argument('--device', default='cuda'
                        if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--released-model', default=None,
                        help='path to bytedance/oclip src/clip/model.py')
    parser.add_argument('--variants', default=None,
                        help='comma list (default: all that apply)')
    parser.add_argument('--memory-of', default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    init_default_scope('mmocr')
    dev = args.device
    torch.manual_seed(0)

    base = build_ours(args.size, args.slots, channels_last=False).to(dev)
    batch = make_batch(args.batch_size, args.size, args.words, args.slots,
                       dev)
    if args.memory_of:  # child process: one variant, two steps, peak RSS
        step, _ = build_variant(args.memory_of, base, args, batch)
        step()
        step()
        print(peak_memory_mib(dev))
        return

    variants = ['released'] if args.released_model else []
    variants += ['fp32', 'fp32-compile', 'fp32-cl', 'fp32-cl-compile', 'bf16', 'bf16-compile']
    if dev.startswith('cuda'):
        variants.append('fp16')
    if args.variants:
        variants = args.variants.split(',')

    with torch.no_grad():
        ref = base.loss(*batch[:2])
        ref_loss = float(ref['loss_char'] + ref['loss_contrastive'])
    print(f'# {describe_machine(dev)}, torch {torch.__version__}, batch '
          f'{args.batch_size} x {args.size}px, {args.slots} word slots '
          f'({args.words} real words/image), median of {args.rounds} '
          'interleaved steps', flush=True)
    steps, checks, mems, first = {}, {}, {}, {}
    times = {(r, v): [] for r in range(args.runs) for v in variants}
    for name in variants:
        if dev.startswith('cuda'):
            # The variants built before stay allocated: count from here.
            before = torch.cuda.memory_allocated()
            torch.cuda.reset_peak_memory_stats()
        steps[name], check = build_variant(name, base, args, batch)
        checks[name] = check
        # The first step includes compilation for compiled variants.
        first[name] = timed(steps[name], dev)
        if dev.startswith('cuda'):
            steps[name]()
            mems[name] = peak_memory_mib(dev) - before / 2**20
        print(f'built {name} (first step {first[name]:.1f} s)',
              file=sys.stderr, flush=True)
    for run in range(args.runs):
        for _ in range(args.rounds):
            for name in variants:
                times[(run, name)].append(timed(steps[name], dev))
        print(f'run {run + 1}/{args.runs} done', file=sys.stderr,
              flush=True)
    del steps
    if not dev.startswith('cuda'):
        mems = {name: measure_memory(name, args) for name in variants}
    # Numerics against the released code when it runs, else our fp32.
    ref_name = 'released' if 'released' in checks else 'our fp32'
    ref = checks.get('released', ref_loss)
    diffs = {name: abs(c - ref) for name, c in checks.items()}
    lines = [
        f'{machine_line(dev)}. Batch {args.batch_size} x {args.size}x'
        f'{args.size}, {args.slots} word slots ({args.words} real words per '
        f'image); {args.runs} runs, each the median of {args.rounds} '
        'interleaved steps per variant; loss of the first batch against '
        f'that of the {ref_name} model.', '',
        '| variant | ' + ' | '.join(f'images/s (run {r + 1})'
                                    for r in range(args.runs)) +
        f' | vs {variants[0]} | peak memory (MiB) | first step (s) | '
        f'\\|loss - {ref_name} loss\\| |',
        '| --- ' * (args.runs + 5) + '|'
    ]
    base_ips = [args.batch_size / statistics.median(times[(r, variants[0])])
                for r in range(args.runs)]
    for name in variants:
        ips = [args.batch_size / statistics.median(times[(r, name)])
               for r in range(args.runs)]
        ratios = '/'.join(f'{i / b:.2f}x' for i, b in zip(ips, base_ips))
        lines.append(f'| {LABELS.get(name, name)} | ' +
                     ' | '.join(f'{i:.3f}' for i in ips) +
                     f' | {ratios} | {mems[name]:.0f} | {first[name]:.1f} | '
                     f'{diffs[name]:.1e} |')
    table = '\n'.join(lines)
    print(table)
    if args.write_doc:
        key = args.doc_key or f'pretrain-{args.size}x{args.batch_size}-' + (
            'cuda' if dev.startswith('cuda') else 'cpu')
        write_doc_block(args.write_doc, key, table)
        print(f'wrote block {key} of {args.write_doc}', file=sys.stderr)


if __name__ == '__main__':
    main()
