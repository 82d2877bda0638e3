# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
import inspect
import json
import logging
from collections import Counter
from typing import Dict, List, Optional, Union

from mmengine.dataset import BaseDataset
from mmengine.fileio import get_text
from mmengine.logging import print_log

from mmocr.registry import DATASETS, TASK_UTILS, TRANSFORMS
from ..models.char_dictionary import SKIP_REASONS, OCLIPDictionary


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

    Args:
        ann_file (str): Annotation JSON, relative to ``data_root``.
        dictionary (dict | OCLIPDictionary): The character dictionary; it
            decides which words are usable.
        data_root (str, optional): Dataset root.
        data_prefix (dict): Prefix joined to ``img_path``.
        **kwargs: See :class:`mmengine.dataset.BaseDataset`.
    """

    def __init__(self,
                 ann_file: str = '',
                 dictionary: Union[Dict, OCLIPDictionary] = dict(
                     type='OCLIPDictionary'),
                 data_root: Optional[str] = '',
                 data_prefix: Dict = dict(img_path=''),
                 **kwargs) -> None:
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
        return kept
