# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
import hashlib
import inspect
import json
import logging
import os.path as osp
from collections import Counter
from typing import Dict, List, Optional, Union

from mmengine.dataset import BaseDataset
from mmengine.fileio import get_text
from mmengine.logging import print_log

from mmocr.registry import DATASETS, TASK_UTILS, TRANSFORMS
from ..models.char_dictionary import SKIP_REASONS, OCLIPDictionary

SUBSETS = ('all', 'train', 'val')


def stable_unit_hash(seed: int, key: str) -> float:
    """A number in [0, 1) fixed by ``seed`` and ``key`` alone: the same on
    every rank, every run and every Python (unlike ``hash``)."""
    digest = hashlib.sha1(f'{seed}:{key}'.encode('utf-8')).digest()
    return int.from_bytes(digest[:8], 'big') / 2.0**64


def check_fraction(name: str, value: float, allow_zero: bool = False) -> float:
    """``value`` as a float, or a one-line error naming the setting."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f'{name} must be a number in '
                         f'{"[0" if allow_zero else "(0"}, 1], got '
                         f'{value!r}') from None
    low_ok = value >= 0 if allow_zero else value > 0
    if not (low_ok and value <= 1):
        raise ValueError(f'{name} must be in {"[0" if allow_zero else "(0"}'
                         f', 1], got {value}')
    return value


def load_annotation_json(ann_file: str) -> Dict:
    """Read an MMOCR 1.x annotation file, failing with the file's name and
    the problem rather than a bare parser error."""
    try:
        text = get_text(ann_file)
    except FileNotFoundError:
        raise FileNotFoundError(
            f'annotation file not found: {ann_file}. Convert a dataset first '
            '(tools/dataset_converters/synthtext.py for SynthText\'s gt.mat, '
            'lsvt_weak.py for LSVT; or MMOCR\'s prepare_dataset.py with '
            '--task textspotting), point the config at it with '
            '--cfg-options train_dataloader.dataset.data_root=DIR, or '
            'pretrain on the embedded synthetic data: '
            'configs/pretrain/oclip_demo_synthetic.py') from None
    except UnicodeDecodeError as e:
        raise ValueError(
            f'{ann_file} is not UTF-8 text (byte {e.start}: '
            f'{e.object[e.start:e.start + 1]!r}); MMOCR annotation files are '
            'UTF-8 JSON') from None
    try:
        ann = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f'{ann_file} is not valid JSON (line {e.lineno}, '
                         f'column {e.colno}: {e.msg})') from None
    if not isinstance(ann, dict) or not isinstance(
            ann.get('data_list'), list):
        raise ValueError(f'{ann_file} is not an MMOCR 1.x annotation file: '
                         'expected an object with a "data_list" list')
    for i, item in enumerate(ann['data_list']):
        if not isinstance(item, dict) or 'img_path' not in item:
            raise ValueError(
                f'{ann_file}: data_list[{i}] has no "img_path"')
        if not isinstance(item.get('instances', []), list):
            raise ValueError(
                f'{ann_file}: data_list[{i}]["instances"] is not a list')
    return ann


@DATASETS.register_module()
class OCLIPDataset(BaseDataset):
    """Image-text pairs for oCLIP pretraining from MMOCR 1.x annotation JSON.

    Reads the ``textdet`` / ``textspotting`` layout that MMOCR's dataset
    preparer writes (``data_list[*].img_path`` and ``instances[*].text``);
    polygons are optional, since weak annotation means transcriptions only.
    Instances flagged ``ignore`` and words the dictionary cannot encode
    (``###``, empty, characters outside the dictionary) are removed when the
    dataset is built, and so are images left without any usable word; every
    removal is counted and logged, per reason. Words longer than the
    dictionary's slots are kept and truncated later (also counted).

    Each data info carries ``img_path`` and ``instances`` (dicts with
    ``text``, plus ``polygon`` when the file has one). Pipeline transforms
    that take a ``dictionary`` (``SampleWords``, ``MaskCharacters``) get the
    dataset's unless their config sets one, so a config names the
    dictionary once.

    Held-out subset and data portion: each usable image gets a number in
    [0, 1) from ``subset_seed`` and its ``img_path`` alone
    (:func:`stable_unit_hash`), so the subsets are the same on every rank,
    on resume and across runs, whatever the annotation order. Images under
    ``val_fraction`` form the ``'val'`` subset, the others ``'train'``;
    ``pretrain_fraction`` then keeps that share of the training images,
    those with the smallest numbers, so a smaller portion is contained in a
    larger one (the paper's data-portion study). Both are logged.

    Args:
        ann_file (str): Annotation JSON, relative to ``data_root``.
        dictionary (dict | OCLIPDictionary): The character dictionary; it
            decides which words are usable.
        data_root (str, optional): Dataset root.
        data_prefix (dict): Prefix joined to ``img_path``.
        subset (str): ``'all'`` (default), ``'train'`` or ``'val'``.
        val_fraction (float): Share of the images held out as ``'val'``, in
            [0, 1]. Defaults to 0.
        pretrain_fraction (float): Share of the training images kept, in
            (0, 1]. Defaults to 1. Applies to ``'train'`` and ``'all'``.
        subset_seed (int): Fixes which images fall in each subset.
        **kwargs: See :class:`mmengine.dataset.BaseDataset`.
    """

    def __init__(self,
                 ann_file: str = '',
                 dictionary: Union[Dict, OCLIPDictionary] = dict(
                     type='OCLIPDictionary'),
                 data_root: Optional[str] = '',
                 data_prefix: Dict = dict(img_path=''),
                 subset: str = 'all',
                 val_fraction: float = 0.0,
                 pretrain_fraction: float = 1.0,
                 subset_seed: int = 0,
                 **kwargs) -> None:
        if subset not in SUBSETS:
            raise ValueError(
                f'subset must be one of {SUBSETS}, got {subset!r}')
        self.subset = subset
        self.val_fraction = check_fraction(
            'val_fraction', val_fraction, allow_zero=True)
        self.pretrain_fraction = check_fraction('pretrain_fraction',
                                                pretrain_fraction)
        if subset == 'val' and self.val_fraction == 0:
            raise ValueError("subset='val' needs val_fraction > 0")
        if subset == 'val' and self.pretrain_fraction != 1:
            raise ValueError('pretrain_fraction applies to training images; '
                             "the 'val' subset is never subsampled")
        self.subset_seed = int(subset_seed)
        self.dictionary = dictionary if isinstance(
            dictionary, OCLIPDictionary) else TASK_UTILS.build(dictionary)
        self.filter_stats: Counter = Counter()
        self.skipped_images = 0
        kwargs['pipeline'] = [
            self._with_dictionary(t) for t in kwargs.get('pipeline', [])
        ]
        super().__init__(
            ann_file=ann_file,
            data_root=data_root,
            data_prefix=data_prefix,
            **kwargs)

    def _with_dictionary(self, transform):
        if not isinstance(transform, dict) or 'dictionary' in transform:
            return transform
        cls = transform['type']
        if isinstance(cls, str):
            cls = TRANSFORMS.get(cls)
        if cls is not None and 'dictionary' in inspect.signature(
                cls.__init__).parameters:
            return dict(transform, dictionary=self.dictionary)
        return transform

    def load_data_list(self) -> List[Dict]:
        ann = load_annotation_json(self.ann_file)
        for k, v in ann.get('metainfo', {}).items():
            self._metainfo.setdefault(k, v)
        return [self.parse_data_info(dict(raw)) for raw in ann['data_list']]

    def parse_data_info(self, raw_data_info: Dict) -> Dict:
        info = super().parse_data_info(raw_data_info)
        info['instances'] = [
            {k: v for k, v in inst.items() if k in ('text', 'polygon', 'ignore')}
            for inst in raw_data_info.get('instances', [])
        ]
        return info

    def prepare_data(self, idx: int):
        """The pipeline's output; an image the pipeline cannot read
        (``LoadImageFromFile(ignore_empty=True)`` returns nothing) is counted
        and logged, with its path, to the run's log, and MMEngine draws
        another one."""
        data = super().prepare_data(idx)
        if data is None:
            self.skipped_images += 1
            print_log(
                f'{type(self).__name__}: skipped unreadable image '
                f'{self.get_data_info(idx)["img_path"]} '
                f'({self.skipped_images} skipped so far by this process)',
                logger='current', level=logging.WARNING)
        return data

    def filter_data(self) -> List[Dict]:
        """Drop unusable words and the images left without words; log
        counts."""
        paths = Counter(info['img_path'] for info in self.data_list)
        repeated = {p: n for p, n in paths.items() if n > 1}
        if repeated:
            shown = ', '.join(f'{p} (x{n})'
                              for p, n in list(repeated.items())[:5])
            print_log(
                f'{type(self).__name__}({self.ann_file}): {len(repeated)} '
                f'images are listed more than once ({shown}'
                f'{", ..." if len(repeated) > 5 else ""}); each entry is '
                'kept, so they are seen more often', logger='current',
                level=logging.WARNING)
        stats: Counter = Counter()
        kept: List[Dict] = []
        max_chars = self.dictionary.max_len - 1
        for info in self.data_list:
            words = []
            for inst in info['instances']:
                text = inst.get('text')
                if text is None:
                    stats['no_text'] += 1
                    continue
                if not isinstance(text, str):
                    raise ValueError(f'{self.ann_file}: {info["img_path"]}: '
                                     f'transcription {text!r} is not a string')
                reason = 'ignored' if inst.get('ignore') else \
                    self.dictionary.check_word(text)
                if reason is not None:
                    stats[reason] += 1
                    continue
                if len(text) > max_chars:
                    stats['truncated'] += 1
                words.append(inst)
            stats['words'] += len(words)
            if words:
                info['instances'] = words
                kept.append(info)
            else:
                stats['images_without_words'] += 1
        self.filter_stats = stats
        if self.data_list and not kept:
            hint = ''
            if stats['no_text']:
                hint = (' Its instances have no "text": MMOCR\'s textdet '
                        'annotation files carry none; use the '
                        'textspotting_*.json that MMOCR\'s `prepare_dataset.py '
                        '<dataset> --task textspotting` writes, or '
                        'oclip-mmocr\'s converters.')
            raise ValueError(
                f'{self.ann_file}: none of its {len(self.data_list)} images '
                f'has a usable word (skipped: {dict(stats)}).{hint}')
        skipped = ', '.join(f'{r}={stats[r]}'
                            for r in (*SKIP_REASONS, 'no_text') if stats[r])
        print_log(
            f'{type(self).__name__}({self.ann_file}): kept {len(kept)} of '
            f'{len(self.data_list)} images and {stats["words"]} words; '
            f'skipped words: {skipped or "none"}; dropped '
            f'{stats["images_without_words"]} images without any usable '
            f'word; {stats["truncated"]} words longer than {max_chars} '
            'characters will be truncated',
            logger='current')
        return self._select_subset(kept)

    def _select_subset(self, infos: List[Dict]) -> List[Dict]:
        """The held-out subset and the data portion (class docstring)."""
        if self.subset == 'all' and self.val_fraction == 0 and \
                self.pretrain_fraction == 1:
            return infos
        # The path as the annotation file writes it: the subsets must not
        # move when the data is mounted elsewhere.
        root = self.data_prefix.get('img_path') or self.data_root or ''
        keyed = [(stable_unit_hash(self.subset_seed,
                                   osp.relpath(info['img_path'], root or '.')),
                  info) for info in infos]
        val = [kv for kv in keyed if kv[0] < self.val_fraction]
        train = [kv for kv in keyed if kv[0] >= self.val_fraction]
        if self.subset == 'val':
            pool = chosen = val
        else:
            pool = train if self.subset == 'train' else keyed
            n = max(1, int(round(self.pretrain_fraction * len(pool))))
            # The n smallest numbers, in annotation order.
            cut = sorted(k for k, _ in pool)[n - 1] if pool else 0.0
            chosen = [kv for kv in pool if kv[0] <= cut][:n]
        if not chosen:
            raise ValueError(
                f'{self.ann_file}: subset={self.subset!r} with val_fraction='
                f'{self.val_fraction} keeps none of its {len(infos)} usable '
                'images')
        print_log(
            f'{type(self).__name__}({self.ann_file}): subset={self.subset!r}'
            f' (val_fraction={self.val_fraction}, subset_seed='
            f'{self.subset_seed}), pretrain_fraction='
            f'{self.pretrain_fraction}: {len(chosen)} of {len(pool)} '
            f'{self.subset} images ({len(infos)} usable in all)',
            logger='current')
        return [info for _, info in chosen]
