# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from typing import Optional, Tuple

from mmocr.registry import DATASETS
from .image_text_dataset import OCLIPDataset
from .synthetic import generate_synthetic_split


class SyntheticSplitMixin:
    """Generate a synthetic split into ``data_root`` the first time (seconds
    for a few hundred images, in parallel), then read it like any MMOCR 1.x
    split.

    See :func:`generate_synthetic_split`; the files are ordinary MMOCR
    annotation JSON (polygons and words) and PNG images. Given an
    ``ann_file``, nothing is generated and the dataset reads
    ``<data_root>/<ann_file>`` like MMOCR's own dataset class: a config using
    the synthetic data runs on your data with
    ``--cfg-options train_dataloader.dataset.data_root=DIR
    train_dataloader.dataset.ann_file=textdet_train.json`` (the generator's
    settings are then unused).

    Args:
        data_root (str): Where the split lives or is generated.
        split (str): Split name; ``textdet_<split>.json`` is read.
        num_images (int): Images in the split.
        img_size (tuple[int, int], optional): ``(h, w)`` of the images;
            ``None``: the profile's native size.
        seed (int): Generation seed; image ``i`` depends only on
            ``(profile, seed, i)``.
        profile (str): ``'synth_pretrain'`` (default), ``'synth_icdar2015'``,
            ``'synth_ctw1500'``, ``'synth_totaltext'``
            (docs/embedded_benchmark.md), or ``'basic'`` (the unit tests' easy
            images).
        num_words (tuple[int, int]): Range of words per image (``'basic'``
            only).
        num_workers (int, optional): Processes generating images.
        ann_file (str, optional): Read this annotation file instead of
            generating a split.
        **kwargs: For the dataset class this is mixed into.
    """

    def __init__(self,
                 data_root: str = 'data/synthetic',
                 split: str = 'train',
                 num_images: int = 256,
                 img_size: Optional[Tuple[int, int]] = None,
                 seed: int = 0,
                 profile: str = 'synth_pretrain',
                 num_words: Tuple[int, int] = (1, 5),
                 num_workers: Optional[int] = None,
                 ann_file: Optional[str] = None,
                 **kwargs) -> None:
        if ann_file is None:
            generate_synthetic_split(
                data_root, split, num_images,
                None if img_size is None else tuple(img_size), seed,
                tuple(num_words), profile=profile, num_workers=num_workers)
            ann_file = f'textdet_{split}.json'
        super().__init__(ann_file=ann_file, data_root=data_root, **kwargs)


@DATASETS.register_module()
class SyntheticOCLIPDataset(SyntheticSplitMixin, OCLIPDataset):
    """:class:`OCLIPDataset` over the embedded synthetic data (see
    :class:`SyntheticSplitMixin` for the arguments). MMOCR's own datasets
    read the same files, so detectors finetune on them too."""
