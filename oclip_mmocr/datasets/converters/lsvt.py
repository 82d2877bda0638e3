# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""ICDAR19-LSVT weak labels -> MMOCR 1.x annotation JSON + dictionary."""
import json
import os.path as osp
from typing import Dict, List, Tuple


def convert_lsvt_weak(label_file: str,
                      img_prefix: str = 'train_weak_images',
                      min_len: int = 1) -> Tuple[Dict, List[str]]:
    """Convert ``train_weak_labels.json`` (``{"gt_N": [{"transcription":
    ...}, ...]}``: transcriptions of the text of interest, no boxes).

    Spaces are removed from transcriptions (CJK text has no word breaks);
    transcriptions shorter than ``min_len`` characters are dropped (the
    released code uses 2). Images are expected at
    ``<img_prefix>/<key>.jpg``.

    Returns:
        tuple(dict, list[str]): The annotation dict (``instances`` with
        ``text`` only) and the dictionary's characters in order of first
        appearance, which makes the id layout reproducible.
    """
    try:
        with open(label_file, encoding='utf-8') as f:
            labels = json.load(f)
    except json.JSONDecodeError as e:
        raise ValueError(f'{label_file} is not valid JSON (line {e.lineno}: '
                         f'{e.msg})') from None
    if not isinstance(labels, dict):
        raise ValueError(f'{label_file}: expected an object mapping image '
                         'names to lists of transcriptions')
    chars: Dict[str, None] = {}
    data_list = []
    for key, anns in labels.items():
        if not isinstance(anns, list):
            raise ValueError(f'{label_file}: entry {key!r} is not a list')
        instances = []
        for ann in anns:
            if not isinstance(ann, dict) or 'transcription' not in ann:
                raise ValueError(f'{label_file}: entry {key!r} has an item '
                                 'without "transcription"')
            text = str(ann['transcription']).replace(' ', '')
            if len(text) < min_len or text == '###':
                continue
            instances.append(dict(text=text))
            chars.update((c, None) for c in text)
        data_list.append(
            dict(img_path=osp.join(img_prefix, f'{key}.jpg'),
                 instances=instances))
    ann = dict(
        metainfo=dict(dataset_type='TextDetDataset', task_name='textdet'),
        data_list=data_list)
    return ann, list(chars)


def write_dict_file(chars: List[str], path: str) -> None:
    """One character per line, the format :class:`OCLIPDictionary` reads."""
    with open(path, 'w', encoding='utf-8') as f:
        f.writelines(f'{c}\n' for c in chars)
