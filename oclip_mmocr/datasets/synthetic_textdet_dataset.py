# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from mmocr.datasets import OCRDataset
from mmocr.registry import DATASETS
from .synthetic_dataset import SyntheticSplitMixin


@DATASETS.register_module()
class SyntheticTextDetDataset(SyntheticSplitMixin, OCRDataset):
    """MMOCR's :class:`OCRDataset` over the embedded synthetic data.

    Generates the split on first use (see :class:`SyntheticSplitMixin`) and
    then reads ``<data_root>/textdet_<split>.json`` exactly as MMOCR reads a
    prepared ICDAR2015 or CTW1500, so any detector config can be exercised
    with no download. With the defaults, the ``'train'`` split is the one the
    demo pretraining uses (same parameters, same files); give a test split
    its own ``seed``.
    """
