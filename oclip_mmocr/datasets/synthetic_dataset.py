# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from typing import Tuple

from mmocr.registry import DATASETS
from .image_text_dataset import OCLIPDataset
from .synthetic import generate_synthetic_split


@DATASETS.register_module()
class SyntheticOCLIPDataset(OCLIPDataset):
    """:class:`OCLIPDataset` over the embedded synthetic data.

    The images are generated into ``data_root`` the first time (seconds for
    a few hundred small images) and reused afterwards; see
    :func:`generate_synthetic_split`. The files are ordinary MMOCR 1.x
    annotation JSON and PNG images, so MMOCR's own datasets read them too.

    Args:
        data_root (str): Where the split lives or is generated.
        split (str): ``'train'`` or ``'test'`` (any name works).
        num_images (int): Images in the split.
        img_size (tuple[int, int]): ``(h, w)`` of the images.
        seed (int): Generation seed; image ``i`` depends only on
            ``(seed, i)``.
        num_words (tuple[int, int]): Range of words per image.
        **kwargs: See :class:`OCLIPDataset`.
    """

    def __init__(self,
                 data_root: str = 'data/synthetic',
                 split: str = 'train',
                 num_images: int = 64,
                 img_size: Tuple[int, int] = (256, 256),
                 seed: int = 0,
                 num_words: Tuple[int, int] = (1, 5),
                 **kwargs) -> None:
        generate_synthetic_split(data_root, split, num_images,
                                 tuple(img_size), seed, tuple(num_words))
        super().__init__(
            ann_file=f'textdet_{split}.json', data_root=data_root, **kwargs)
