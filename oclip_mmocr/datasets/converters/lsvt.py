# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""ICDAR19-LSVT labels -> MMOCR 1.x annotation JSON: weak labels (texts
only, for pretraining) and full labels (polygons, for detection)."""
import json
import os.path as osp
from typing import Dict, List, Sequence, Tuple


def _load_labels(label_file: str) -> Dict:
    """LSVT label files map image names to lists of annotations."""
    try:
        with open(label_file, encoding='utf-8') as f:
            labels = json.load(f)
    except json.JSONDecodeError as e:
        raise ValueError(f'{label_file} is not valid JSON (line {e.lineno}: '
                         f'{e.msg})') from None
    if not isinstance(labels, dict):
        raise ValueError(f'{label_file}: expected an object mapping image '
                         'names to lists of annotations')
    return labels


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
    labels = _load_labels(label_file)
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


def _natural_key(name: str):
    digits = ''.join(c for c in name if c.isdigit())
    return (int(digits) if digits else -1, name)


def convert_lsvt_full(label_file: str,
                      data_root: str,
                      img_dirs: Sequence[str] = ('train_full_images_0',
                                                 'train_full_images_1'),
                      val_size: int = 3000) -> Tuple[Dict, Dict, Dict]:
    """Convert the fully annotated ``train_full_labels.json`` to MMOCR 1.x
    detection JSON (``{"gt_N": [{"points": [[x, y], ...], "transcription":
    ..., "illegibility": bool}, ...]}``).

    Illegible instances and ``###`` transcriptions become ``ignore=True``
    (excluded from training targets and from evaluation, as MMOCR does for
    ICDAR ``###``); instances with fewer than 3 points are kept as ignored
    too, so nothing is silently dropped. LSVT's test labels were never
    released: the last ``val_size`` images (by number) form the test split.

    Args:
        label_file: ``train_full_labels.json``.
        data_root: Folder holding ``img_dirs``; ``img_path`` is relative
            to it.
        img_dirs: Where ``<key>.jpg`` may be (the two released archives).
        val_size: Images held out as ``textdet_test.json``.

    Returns:
        tuple(dict, dict, dict): train and test annotations, and counts.
    """
    from PIL import Image
    labels = _load_labels(label_file)
    counts = dict(images=0, instances=0, ignored=0, degenerate=0)
    data_list, missing = [], []
    for key in sorted(labels, key=_natural_key):
        anns = labels[key]
        if not isinstance(anns, list):
            raise ValueError(f'{label_file}: entry {key!r} is not a list')
        rel = next((osp.join(d, f'{key}.jpg') for d in img_dirs
                    if osp.isfile(osp.join(data_root, d, f'{key}.jpg'))),
                   None)
        if rel is None:
            missing.append(key)
            continue
        try:
            with Image.open(osp.join(data_root, rel)) as im:
                width, height = im.size
        except OSError as e:
            raise ValueError(f'{osp.join(data_root, rel)}: unreadable image '
                             f'({e})') from None
        instances = []
        for i, ann in enumerate(anns):
            where = f'{label_file}: {key!r} instance {i}'
            try:
                pts = [(float(x), float(y)) for x, y in ann['points']]
            except (KeyError, TypeError, ValueError):
                raise ValueError(f'{where}: "points" must be a list of '
                                 '[x, y] pairs') from None
            if not pts:
                raise ValueError(f'{where}: empty "points"')
            text = str(ann.get('transcription', ''))
            ignore = bool(ann.get('illegibility', False)) or text == '###'
            if len(pts) < 3:
                counts['degenerate'] += 1
                ignore = True
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            instances.append(
                dict(
                    polygon=[v for p in pts for v in p],
                    bbox=[min(xs), min(ys), max(xs), max(ys)],
                    bbox_label=0,
                    ignore=ignore,
                    text=text))
            counts['ignored'] += ignore
        counts['images'] += 1
        counts['instances'] += len(instances)
        data_list.append(
            dict(img_path=rel, height=height, width=width,
                 instances=instances))
    if missing:
        shown = ', '.join(missing[:10])
        raise FileNotFoundError(
            f'{len(missing)} images of {label_file} are in none of '
            f'{[osp.join(data_root, d) for d in img_dirs]}: {shown}'
            f'{" ..." if len(missing) > 10 else ""}')
    if not 0 <= val_size < len(data_list):
        raise ValueError(f'val_size={val_size} leaves no training image '
                         f'({len(data_list)} images)')
    split = len(data_list) - val_size
    metainfo = dict(
        dataset_type='TextDetDataset',
        task_name='textdet',
        category=[dict(id=0, name='text')])
    train = dict(metainfo=metainfo, data_list=data_list[:split])
    test = dict(metainfo=metainfo, data_list=data_list[split:])
    return train, test, counts
