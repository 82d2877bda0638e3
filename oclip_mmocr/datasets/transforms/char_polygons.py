# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmcv.transforms import BaseTransform, Compose

from mmocr.datasets.transforms import PackTextDetInputs
from mmocr.registry import TRANSFORMS
from mmocr.utils import poly2bbox


@TRANSFORMS.register_module()
class WithCharPolygons(BaseTransform):
    """Run MMOCR's geometric transforms on the words' character boxes too.

    Each instance of MMOCR's textspotting layout may carry
    ``char_polygons`` (one flat polygon per non-space character of its
    ``text``, as our SynthText converter and the generator write them). This
    wrapper appends them to ``gt_polygons`` as extra instances, runs
    ``transforms`` (any of MMOCR's, which crop, rotate, resize and filter
    ``gt_polygons`` with ``gt_bboxes_labels`` in step), then takes them out
    again into ``gt_char_polygons``: per word, its list of character
    polygons, or None. A word keeps its characters only if all of them
    survived and it is not ignored; words without boxes, and datasets
    without any, get None (the character branch is then silent).

    Place it after ``LoadOCRAnnotations`` (which keeps ``instances``), around
    the transforms up to the packing, and pack with
    :class:`PackTextSpotInputs`.

    Args:
        transforms (list[dict]): The wrapped transforms.
    """

    def __init__(self, transforms: Sequence[Dict]) -> None:
        self.transforms = Compose(transforms)

    @staticmethod
    def _chars(results: Dict) -> List[Optional[List[np.ndarray]]]:
        insts = results.get('instances', [])
        n = len(results.get('gt_polygons', []))
        if len(insts) != n:
            raise ValueError(
                f'{results.get("img_path")}: {n} loaded polygons but '
                f'{len(insts)} instances; WithCharPolygons must come right '
                'after LoadOCRAnnotations')
        out = []
        for inst in insts:
            polys = inst.get('char_polygons')
            out.append(None if polys is None else
                       [np.asarray(p, np.float32) for p in polys])
        return out

    def transform(self, results: Dict) -> Optional[Dict]:
        chars = self._chars(results)
        n = len(chars)
        labels = np.asarray(results['gt_bboxes_labels'])
        # Tag every entry through its label, which MMOCR's transforms filter
        # with the polygons: word i -> i, character j -> -(j + 1).
        owner = []
        extra = []
        for i, polys in enumerate(chars):
            for k, p in enumerate(polys or []):
                owner.append((i, k))
                extra.append(p)
        if extra:
            results['gt_polygons'] = list(results['gt_polygons']) + extra
            results['gt_bboxes'] = np.concatenate([
                np.asarray(results['gt_bboxes'], np.float32).reshape(-1, 4),
                np.stack([poly2bbox(p) for p in extra]).astype(np.float32)
            ])
            results['gt_ignored'] = np.concatenate([
                np.asarray(results['gt_ignored'], bool),
                np.asarray([results['gt_ignored'][i] for i, _ in owner],
                           bool)
            ])
            if 'gt_texts' in results:
                results['gt_texts'] = list(results['gt_texts']) + [
                    '###'] * len(extra)
        results['gt_bboxes_labels'] = np.concatenate([
            np.arange(n), -1 - np.arange(len(extra))]).astype(np.int64)
        results = self.transforms(results)
        if results is None:
            return None
        tags = np.asarray(results['gt_bboxes_labels'])
        words = np.nonzero(tags >= 0)[0]
        survived = {}
        for j in np.nonzero(tags < 0)[0]:
            i, k = owner[-1 - tags[j]]
            survived.setdefault(i, {})[k] = results['gt_polygons'][j]
        word_ids = tags[words]
        char_polys = []
        for j, i in zip(words, word_ids):
            got = survived.get(int(i), {})
            whole = chars[i] is not None and len(got) == len(chars[i]) \
                and not results['gt_ignored'][j]
            char_polys.append([got[k] for k in range(len(chars[i]))]
                              if whole else None)
        for key in ('gt_polygons', 'gt_texts'):
            if key in results:
                results[key] = [results[key][j] for j in words]
        for key in ('gt_bboxes', 'gt_ignored'):
            results[key] = np.asarray(results[key])[words]
        results['gt_bboxes_labels'] = labels[word_ids]
        results['gt_char_polygons'] = char_polys
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(transforms={self.transforms})'


@TRANSFORMS.register_module()
class PackTextSpotInputs(PackTextDetInputs):
    """MMOCR's ``PackTextDetInputs`` that also packs ``gt_char_polygons``
    (from :class:`WithCharPolygons`) as ``gt_instances.char_polygons``."""

    mapping_table = dict(PackTextDetInputs.mapping_table,
                         gt_char_polygons='char_polygons')
