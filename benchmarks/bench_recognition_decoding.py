# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""The spotter's recognition cost per word: MMOCR's ParallelSARDecoder
(re-runs the RNN and attention over every position at every step) against
IncrementalSARDecoder (one position per step), same weights, same inputs,
in one process, interleaved.

The recogniser as ``configs/finetune/mts/_base_mts_r50.py`` builds it
(SAR encoder + decoder at d_model 256, 25 steps) reads ``--words``
hard-masked word features of the RoI size the spotter uses (8 x 32, 256
channels). Reported: median milliseconds per word over ``--repeats``
batches for each decoder, the ratio, and how many decoded words are equal
(the speed-up must not change a single reading).

    python benchmarks/bench_recognition_decoding.py [--words 20] \
        [--write-doc docs/speed.md]
"""
import argparse
import copy
import statistics

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

import oclip_mmocr  # noqa: F401
from mmocr.registry import MODELS
from mmocr.structures import TextRecogDataSample
from common import machine_line, timed, write_doc_block  # noqa: I100

CONFIG = 'configs/finetune/mts/_base_mts_r50.py'


def build(kind: str, cfg: Config):
    dec = copy.deepcopy(cfg.model.roi_head.rec_decoder)
    dec.type = kind
    return MODELS.build(cfg.model.roi_head.rec_encoder).eval(), MODELS.build(
        dec).eval()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--words', type=int, default=20)
    parser.add_argument('--repeats', type=int, default=7)
    parser.add_argument('--threads', type=int, default=None)
    parser.add_argument('--write-doc', default=None)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    init_default_scope('mmocr')
    cfg = Config.fromfile(CONFIG)
    torch.manual_seed(0)
    enc, ref = build('ParallelSARDecoder', cfg)
    _, inc = build('IncrementalSARDecoder', cfg)
    inc.load_state_dict(ref.state_dict(), strict=True)
    h, w = cfg.model.roi_head.get('rec_roi_size', (8, 32))
    feat = torch.randn(args.words, cfg.model.roi_head.rec_encoder.in_channels,
                       h, w)
    samples = [TextRecogDataSample() for _ in range(args.words)]

    def run(decoder):
        with torch.no_grad():
            out_enc = enc(feat, samples)
            return decoder.predict(feat, out_enc, copy.deepcopy(samples))

    a, b = run(ref), run(inc)  # warm-up, and the readings to compare
    same = sum(x.pred_text.item == y.pred_text.item for x, y in zip(a, b))
    times = {'ParallelSARDecoder (MMOCR)': [], 'IncrementalSARDecoder': []}
    for _ in range(args.repeats):
        for name, dec in zip(times, (ref, inc)):
            times[name].append(timed(lambda: run(dec), 'cpu'))
    med = {k: statistics.median(v) / args.words * 1000
           for k, v in times.items()}
    base = med['ParallelSARDecoder (MMOCR)']
    lines = [
        f'Recogniser of the spotter (SAR encoder + decoder, '
        f'{cfg.model.roi_head.rec_decoder.max_seq_len} steps, d_model '
        f'{cfg.model.roi_head.rec_decoder.d_model}), {args.words} words of '
        f'{h}x{w} features, median of {args.repeats}; '
        f'{machine_line("cpu")}.',
        '',
        '| decoder | ms per word | speed-up |',
        '| --- | --- | --- |',
    ] + [f'| {k} | {v:.2f} | {base / v:.1f}x |' for k, v in med.items()] + [
        '',
        f'Identical readings: {same} of {args.words} words.',
    ]
    text = '\n'.join(lines)
    print(text)
    if args.write_doc:
        write_doc_block(args.write_doc, 'recognition-decoding', text)


if __name__ == '__main__':
    main()
