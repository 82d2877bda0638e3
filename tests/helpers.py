"""Shared helpers for building real pipelines and batches in tests."""
from mmengine.dataset import pseudo_collate

from mmocr.registry import DATASETS


def pipeline(size: int, max_words: int = 3, shuffle: bool = True,
             scale=(0.95, 1.0)):
    return [
        dict(type='LoadImageFromFile', color_type='color', ignore_empty=True),
        dict(type='SampleWords', max_words=max_words, shuffle=shuffle),
        dict(type='MaskCharacters'),
        dict(type='RandomResizedCrop', size=size, scale=scale),
        dict(type='PackOCLIPInputs'),
    ]


def build_dataset(root: str, size: int, **kwargs):
    return DATASETS.build(
        dict(type='OCLIPDataset', data_root=root,
             ann_file='textdet_train.json', pipeline=pipeline(size, **kwargs)))


def batch(dataset, indices=None):
    indices = range(len(dataset)) if indices is None else indices
    return pseudo_collate([dataset[i] for i in indices])


class PickleMarker:
    """Unpickling this creates the file ``path``: a harmless stand-in for a
    pickle that would run code (the file must never appear)."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, 'w'))
