# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""How far the compiled R50 image trunk's training step is from float64.

    python benchmarks/numerics_compiled_trunk.py [--seeds 0 1 2 3 4] \
        [--write-doc docs/speed.md]

For each seed (weights and input drawn from it), one training step of the
image encoder at R50 width (64x64 inputs, batch 4; loss: sum of squared
embeddings + mean squared feature map) in float64 is the reference; the
eager contiguous trunk (what the released code computes), the trunk
compiled with inductor's defaults (``compile=True``), and the trunk compiled
with inductor's layout optimisation off as the R50 configs build it
(``compile=dict(options=dict(layout_optimization=False))``) are compared
with it: relative norm of the
embedding error and median elementwise relative error of the parameter
gradients. One table per run, with machine and date; ``--write-doc`` puts it
between ``<!-- bench:numerics-compiled-r50 -->`` markers.
"""
import argparse
import copy
import os.path as osp
import sys

import torch

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
from common import machine_line, write_doc_block  # noqa: E402

VARIANTS = {
    'eager, contiguous': dict(),
    'compiled, inductor defaults (compile=True)': dict(compile=True),
    'compiled, layout_optimization=False (R50 config default)': dict(
        compile=dict(options=dict(layout_optimization=False))),
}


def encoder_cfg(**kw) -> dict:
    return dict(
        type='OCLIPImageEncoder',
        backbone=dict(type='CLIPResNet', depth=50, out_indices=(3, ),
                      norm_cfg=dict(type='BN', requires_grad=True),
                      norm_eval=False),
        attnpool=dict(type='AttentionPool2d', grid_size=2, in_channels=2048,
                      num_heads=32, out_channels=384),
        **kw)


def step(model, x):
    """Embeddings and flat parameter gradients of one training step."""
    model.train()
    model.zero_grad(set_to_none=True)
    g, t = model(x)
    (g.square().sum() + t.square().mean()).backward()
    return g.detach().double(), torch.cat([
        p.grad.flatten().double() for p in model.parameters()
        if p.grad is not None
    ])


def errors(seeds, batch: int = 4, size: int = 64):
    """``{variant: [(emb_err, grad_median_err), ...per seed]}``."""
    import oclip_mmocr  # noqa: F401
    from mmocr.registry import MODELS
    models = {name: MODELS.build(encoder_cfg(**kw))
              for name, kw in VARIANTS.items()}
    out = {name: [] for name in VARIANTS}
    for seed in seeds:
        torch.manual_seed(seed)
        base = MODELS.build(encoder_cfg())
        x = torch.randn(batch, 3, size, size)
        ref = copy.deepcopy(base).double()
        g64, d64 = step(ref, x.double())
        for name, model in models.items():
            model.load_state_dict(base.state_dict())
            g, d = step(model, x)
            out[name].append((float((g - g64).norm() / g64.norm()),
                              float(((d - d64).abs() /
                                     (d64.abs() + 1e-12)).median())))
    return out


def table(result, seeds) -> str:
    head = ('| variant | ' + ' | '.join(f'seed {s}: emb / grad' for s in seeds)
            + ' |')
    lines = [head, '|' + ' --- |' * (len(seeds) + 1)]
    for name, errs in result.items():
        lines.append(f'| {name} | ' + ' | '.join(
            f'{e:.1e} / {d:.1e}' for e, d in errs) + ' |')
    lines.append('')
    lines.append(f'({machine_line("cpu")}; R50 width, 64x64, batch 4; '
                 'emb: relative norm error of the embeddings, grad: median '
                 'elementwise relative error of the parameter gradients, '
                 'both against float64.)')
    return '\n'.join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--write-doc', default=None)
    args = parser.parse_args()
    result = errors(args.seeds)
    text = table(result, args.seeds)
    print(text)
    if args.write_doc:
        write_doc_block(args.write_doc, 'numerics-compiled-r50', text)
        print(f'wrote block numerics-compiled-r50 of {args.write_doc}',
              file=sys.stderr)


if __name__ == '__main__':
    main()
