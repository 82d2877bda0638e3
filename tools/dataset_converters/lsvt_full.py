# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""ICDAR19-LSVT full labels -> data/lsvt/textdet_{train,test}.json.

    python tools/dataset_converters/lsvt_full.py \
        data/lsvt/train_full_labels.json data/lsvt [--val-size 3000]

Images are expected in ``data/lsvt/train_full_images_0/`` and
``data/lsvt/train_full_images_1/`` (the two released archives, extracted).
Illegible and ``###`` instances are kept with ``ignore=True``. LSVT's test
labels are not public, so the last ``--val-size`` images are held out as the
test split used by configs/finetune/{dbnet,psenet}/*_lsvt.py.
"""
import argparse
import json
import os.path as osp

from oclip_mmocr.datasets.converters import convert_lsvt_full


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('label_file', help='train_full_labels.json')
    parser.add_argument('data_root', help='folder with the image folders; '
                        'the JSON files are written here')
    parser.add_argument('--img-dirs', nargs='+',
                        default=['train_full_images_0', 'train_full_images_1'])
    parser.add_argument('--val-size', type=int, default=3000)
    args = parser.parse_args()
    train, test, counts = convert_lsvt_full(args.label_file, args.data_root,
                                            args.img_dirs, args.val_size)
    for name, ann in (('textdet_train.json', train), ('textdet_test.json',
                                                      test)):
        with open(osp.join(args.data_root, name), 'w',
                  encoding='utf-8') as f:
            json.dump(ann, f, ensure_ascii=False)
    print(f'{counts["images"]} images ({len(train["data_list"])} train, '
          f'{len(test["data_list"])} test), {counts["instances"]} instances '
          f'({counts["ignored"]} ignored, of which {counts["degenerate"]} '
          f'with fewer than 3 points) -> {args.data_root}')


if __name__ == '__main__':
    main()
