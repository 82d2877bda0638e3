# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
import json
import os
import os.path as osp
import shutil
from typing import Dict, Tuple

import cv2
from mmengine.dist import barrier, get_dist_info
from mmengine.logging import print_log

from .renderer import render_text_image

MANIFEST = 'synthetic_manifest.json'


def generate_synthetic_split(data_root: str,
                             split: str = 'train',
                             num_images: int = 64,
                             img_size: Tuple[int, int] = (256, 256),
                             seed: int = 0,
                             num_words: Tuple[int, int] = (1, 5)) -> str:
    """Write a synthetic split in MMOCR 1.x layout, unless already there.

    Creates ``<data_root>/imgs/<split>/<index>.png`` and
    ``<data_root>/textdet_<split>.json`` (polygons *and* transcriptions, so
    the same file serves oCLIP pretraining and detector finetuning). A
    manifest records the parameters; a split made with other parameters is
    regenerated. Only rank 0 writes; other ranks wait.

    Returns:
        str: The annotation file's path.
    """
    params = dict(
        split=split,
        num_images=num_images,
        img_size=list(img_size),
        seed=seed,
        num_words=list(num_words))
    ann_file = osp.join(data_root, f'textdet_{split}.json')
    manifest_file = osp.join(data_root, f'{split}_{MANIFEST}')
    rank, _ = get_dist_info()
    if rank == 0 and not _up_to_date(manifest_file, ann_file, params):
        _write_split(data_root, params, ann_file, manifest_file)
    barrier()
    return ann_file


def _up_to_date(manifest_file: str, ann_file: str, params: Dict) -> bool:
    if not (osp.isfile(manifest_file) and osp.isfile(ann_file)):
        return False
    with open(manifest_file) as f:
        return json.load(f) == params


def _write_split(data_root: str, params: Dict, ann_file: str,
                 manifest_file: str) -> None:
    split = params['split']
    print_log(
        f'generating {params["num_images"]} synthetic images for split '
        f'"{split}" in {data_root} (seed {params["seed"]})',
        logger='current')
    img_dir = osp.join(data_root, 'imgs', split)
    tmp_dir = f'{img_dir}.tmp{os.getpid()}'
    shutil.rmtree(tmp_dir, ignore_errors=True)
    os.makedirs(tmp_dir)
    data_list = []
    h, w = params['img_size']
    for index in range(params['num_images']):
        img, instances = render_text_image(
            params['seed'], index, (h, w), tuple(params['num_words']))
        name = f'{index:06d}.png'
        if not cv2.imwrite(osp.join(tmp_dir, name), img):
            raise OSError(f'could not write {osp.join(tmp_dir, name)}')
        data_list.append(
            dict(
                img_path=f'imgs/{split}/{name}',
                height=h,
                width=w,
                instances=instances))
    shutil.rmtree(img_dir, ignore_errors=True)
    os.replace(tmp_dir, img_dir)
    ann = dict(
        metainfo=dict(
            dataset_type='TextDetDataset',
            task_name='textdet',
            category=[dict(id=0, name='text')]),
        data_list=data_list)
    with open(ann_file + '.tmp', 'w') as f:
        json.dump(ann, f)
    os.replace(ann_file + '.tmp', ann_file)
    with open(manifest_file, 'w') as f:
        json.dump(params, f)
