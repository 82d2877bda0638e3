# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""SynthText gt.mat -> data/synthtext/textdet_train.json for oCLIP.

    python tools/dataset_converters/synthtext.py data/synthtext/gt.mat \
        data/synthtext/textdet_train.json --img-prefix imgs

The images stay where they are: place (or link) SynthText's image folders
under ``data/synthtext/<img-prefix>/``. Each word keeps its transcription
and, from ``charBB``, one box per character (``char_polygons``; the
character-level supervision of a spotter's SynthText stage); ``--no-chars``
leaves them out (a smaller file for oCLIP pretraining alone).
"""
import argparse
import json

from oclip_mmocr.datasets.converters import convert_synthtext


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('gt_mat')
    parser.add_argument('out_json')
    parser.add_argument('--img-prefix', default='imgs')
    parser.add_argument('--limit', type=int, default=None,
                        help='convert only the first N images')
    parser.add_argument('--no-chars', action='store_true',
                        help='leave out the character boxes')
    args = parser.parse_args()
    ann = convert_synthtext(args.gt_mat, args.img_prefix, args.limit,
                            with_chars=not args.no_chars)
    with open(args.out_json, 'w') as f:
        json.dump(ann, f)
    words = sum(len(d['instances']) for d in ann['data_list'])
    print(f'{len(ann["data_list"])} images, {words} words -> {args.out_json}')


if __name__ == '__main__':
    main()
