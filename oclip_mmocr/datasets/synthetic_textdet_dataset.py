# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from typing import Tuple

from mmocr.datasets import OCRDataset
from mmocr.registry import DATASETS
from .synthetic import generate_synthetic_split


@DATASETS.register_module()
class SyntheticTextDetDataset(OCRDataset):
    """MMOCR's :class:`OCRDataset` over the embedded synthetic data.

    Generates the split on first use (see :func:`generate_synthetic_split`)
    and then reads ``<data_root>/textdet_<split>.json`` exactly as MMOCR
    reads a prepared ICDAR2015 or CTW1500, so any detector config can be
    exercised with no download. With the defaults, the ``'train'`` split is
    the one the demo pretraining uses (same parameters, same files).

    Args:
        data_root (str): Where the split lives or is generated.
        split (str): Split name; ``textdet_<split>.json`` is read.
        num_images (int): Images in the split.
        img_size (tuple[int, int]): ``(h, w)`` of the images.
        seed (int): Generation seed; give the test split its own.
        num_words (tuple[int, int]): Range of words per image.
        **kwargs: See :class:`mmocr.datasets.OCRDataset`.
    """

    def __init__(self,
                 data_root: str = 'data/synthetic',
                 split: str = 'train',
                 num_images: int = 256,
                 img_size: Tuple[int, int] = (256, 256),
                 seed: int = 0,
                 num_words: Tuple[int, int] = (1, 5),
                 **kwargs) -> None:
        generate_synthetic_split(data_root, split, num_images,
                                 tuple(img_size), seed, tuple(num_words))
        super().__init__(
            ann_file=f'textdet_{split}.json', data_root=data_root, **kwargs)
