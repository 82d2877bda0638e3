# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Write a synthetic split to disk (once), in MMOCR 1.x layout."""
import fcntl
import json
import multiprocessing as mp
import os
import os.path as osp
import shutil
from typing import Dict, Optional, Tuple

import cv2
from mmengine.dist import barrier, get_dist_info
from mmengine.logging import print_log
from mmengine.utils import ProgressBar

from oclip_mmocr.utils.atomic_io import atomic_write_text
from .renderer import render_text_image

MANIFEST = 'synthetic_manifest.json'
#: Bumped whenever the drawing changes, so that cached splits regenerate.
GENERATOR_VERSION = 3


def generate_synthetic_split(data_root: str,
                             split: str = 'train',
                             num_images: int = 64,
                             img_size: Optional[Tuple[int, int]] = (256,
                                                                    256),
                             seed: int = 0,
                             num_words: Tuple[int, int] = (1, 5),
                             profile: str = 'basic',
                             num_workers: Optional[int] = None) -> str:
    """Write a synthetic split in MMOCR 1.x layout, unless already there.

    Creates ``<data_root>/imgs/<split>/<index>.{png,jpg}``,
    ``<data_root>/textdet_<split>.json`` and
    ``<data_root>/textspotting_<split>.json`` (the same instances, with
    polygons *and* transcriptions, ``###`` for text marked ``ignore``; one
    file serves oCLIP pretraining and detector finetuning, the other MMOCR's
    spotting datasets). A manifest records the parameters; a split made with
    other parameters is regenerated. Only rank 0 writes; other ranks wait;
    other processes asking for the split meanwhile wait for it (a file
    lock in ``data_root``).

    Args:
        data_root (str): Where the split lives.
        split (str): Split name.
        num_images (int): Images in the split.
        img_size (tuple[int, int], optional): ``(h, w)``; ``None`` is the
            profile's native size.
        seed (int): Image ``i`` depends only on ``(profile, seed, i)``.
        num_words (tuple[int, int]): Words per image (``'basic'`` only).
        profile (str): ``'basic'`` (straight words in Pillow's font on
            gradients: the unit tests' easy data) or one of
            :data:`~.profiles.PROFILES` (``synth_icdar2015``,
            ``synth_ctw1500``, ``synth_totaltext``, ``synth_pretrain``).
        num_workers (int, optional): Processes drawing images; default:
            the CPUs available (up to 8). The output does not depend on it.

    Returns:
        str: The detection annotation file's path.
    """
    if profile != 'basic':
        from .profiles import get_profile
        native = get_profile(profile).size
        img_size = tuple(img_size) if img_size is not None else native
    elif img_size is None:
        img_size = (256, 256)
    params = dict(
        split=split,
        num_images=num_images,
        img_size=list(img_size),
        seed=seed,
        profile=profile,
        version=GENERATOR_VERSION)
    if profile == 'basic':
        params['num_words'] = list(num_words)
    ann_file = osp.join(data_root, f'textdet_{split}.json')
    manifest_file = osp.join(data_root, f'{split}_{MANIFEST}')
    rank, _ = get_dist_info()
    if rank == 0:
        # Separate processes (the study's concurrent seeds) may ask for the
        # same split at once: one writes it, the others then find it made.
        os.makedirs(data_root, exist_ok=True)
        with open(osp.join(data_root, f'.{split}.lock'), 'w') as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not _up_to_date(manifest_file, ann_file, params):
                _write_split(data_root, params, ann_file, manifest_file,
                             num_workers)
    barrier()
    return ann_file


def _up_to_date(manifest_file: str, ann_file: str, params: Dict) -> bool:
    if not (osp.isfile(manifest_file) and osp.isfile(ann_file)):
        return False
    with open(manifest_file) as f:
        return json.load(f) == params


_WORKER_STATE: Dict = {}


def _draw(job):
    """One image: render and write it; return its data-list entry."""
    index, params, out_dir = job
    split, (h, w) = params['split'], params['img_size']
    if params['profile'] == 'basic':
        img, instances = render_text_image(params['seed'], index, (h, w),
                                           tuple(params['num_words']))
        name, write_args = f'{index:06d}.png', []
    else:
        renderer = _WORKER_STATE.get(params['profile'])
        if renderer is None:
            from .profiles import get_profile
            from .scene import SceneRenderer
            renderer = _WORKER_STATE[params['profile']] = SceneRenderer(
                get_profile(params['profile']), (h, w))
        img, instances, quality = renderer.render(params['seed'], index)
        name = f'{index:06d}.jpg'
        write_args = [cv2.IMWRITE_JPEG_QUALITY, quality]
    path = osp.join(out_dir, name)
    if not cv2.imwrite(path, img, write_args):
        raise OSError(f'could not write {path}')
    return dict(img_path=f'imgs/{split}/{name}', height=h, width=w,
                instances=instances)


def _write_split(data_root: str, params: Dict, ann_file: str,
                 manifest_file: str, num_workers: Optional[int]) -> None:
    split, n = params['split'], params['num_images']
    if num_workers is None:
        num_workers = min(8, len(os.sched_getaffinity(0)) if hasattr(
            os, 'sched_getaffinity') else (os.cpu_count() or 1))
    print_log(
        f'generating {n} synthetic images ({params["profile"]}, '
        f'{params["img_size"][1]}x{params["img_size"][0]}) for split '
        f'"{split}" in {data_root} (seed {params["seed"]}, '
        f'{num_workers} workers)',
        logger='current')
    img_dir = osp.join(data_root, 'imgs', split)
    tmp_dir = f'{img_dir}.tmp{os.getpid()}'
    shutil.rmtree(tmp_dir, ignore_errors=True)
    os.makedirs(tmp_dir)
    jobs = [(i, params, tmp_dir) for i in range(n)]
    bar = ProgressBar(n) if n >= 32 else None
    data_list = []
    if num_workers > 1 and n >= 16:
        # fork keeps the parent's imports; results come back in order.
        ctx = mp.get_context('fork')
        with ctx.Pool(num_workers) as pool:
            for entry in pool.imap(_draw, jobs, chunksize=4):
                data_list.append(entry)
                if bar:
                    bar.update()
    else:
        for job in jobs:
            data_list.append(_draw(job))
            if bar:
                bar.update()
    if bar:
        print()
    shutil.rmtree(img_dir, ignore_errors=True)
    os.replace(tmp_dir, img_dir)
    for task, dataset_type in (('textdet', 'TextDetDataset'),
                               ('textspotting', 'TextSpottingDataset')):
        ann = dict(
            metainfo=dict(
                dataset_type=dataset_type,
                task_name=task,
                category=[dict(id=0, name='text')]),
            data_list=data_list)
        atomic_write_text(json.dumps(ann),
                          osp.join(data_root, f'{task}_{split}.json'))
    # Last: a manifest on disk means the images and both files are there.
    atomic_write_text(json.dumps(params), manifest_file)
