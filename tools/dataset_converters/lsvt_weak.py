# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""ICDAR19-LSVT weak labels -> data/lsvt/weak_train.json + dict.txt.

    python tools/dataset_converters/lsvt_weak.py \
        data/lsvt/train_weak_labels.json data/lsvt

Images are expected in ``data/lsvt/train_weak_images/<key>.jpg``. The
dictionary (one character per line) is built from the transcriptions and is
what ``configs/pretrain/oclip_r50_lsvt.py`` reads.
"""
import argparse
import json
import os
import os.path as osp

from oclip_mmocr.datasets.converters import convert_lsvt_weak, write_dict_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('label_file', help='train_weak_labels.json')
    parser.add_argument('out_dir')
    parser.add_argument('--img-prefix', default='train_weak_images')
    parser.add_argument('--min-len', type=int, default=1,
                        help='drop shorter transcriptions (released code: 2)')
    args = parser.parse_args()
    ann, chars = convert_lsvt_weak(args.label_file, args.img_prefix,
                                   args.min_len)
    os.makedirs(args.out_dir, exist_ok=True)
    out_json = osp.join(args.out_dir, 'weak_train.json')
    with open(out_json, 'w', encoding='utf-8') as f:
        json.dump(ann, f, ensure_ascii=False)
    write_dict_file(chars, osp.join(args.out_dir, 'dict.txt'))
    words = sum(len(d['instances']) for d in ann['data_list'])
    print(f'{len(ann["data_list"])} images, {words} transcriptions, '
          f'{len(chars)} characters (vocabulary {len(chars) + 3}) -> '
          f'{args.out_dir}')


if __name__ == '__main__':
    main()
