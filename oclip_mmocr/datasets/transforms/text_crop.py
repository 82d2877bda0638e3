# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from typing import Dict

import numpy as np
from mmocr.datasets.transforms import TextDetRandomCrop
from mmocr.registry import TRANSFORMS
from shapely.geometry import Polygon


@TRANSFORMS.register_module()
class TextSpotRandomCrop(TextDetRandomCrop):
    """MMOCR's :class:`TextDetRandomCrop` (a fixed-size window at full
    resolution, mostly over text) that keeps transcriptions with their words.

    MMOCR's transform clips polygons to the window and drops the ones
    outside, but leaves ``gt_texts`` as it was, so a spotter would read the
    wrong word for every polygon after the first dropped one. Here the texts
    follow the kept polygons, and a word cut by the window (less than
    ``min_kept_area`` of its area inside) becomes ignored: its transcription
    no longer matches what is visible. Polygons stay float32, as MMOCR's
    losses need (the parent's come back as float64).

    Args:
        target_size (tuple[int, int]): ``(w, h)`` of the window.
        min_kept_area (float): Fraction of a word's area that must stay
            inside the window for it to keep counting. Defaults to 0.95.
        **kwargs: For :class:`TextDetRandomCrop`.
    """

    def __init__(self, target_size, min_kept_area: float = 0.95,
                 **kwargs) -> None:
        super().__init__(target_size, **kwargs)
        self.min_kept_area = min_kept_area

    def transform(self, results: Dict) -> Dict:
        if self.target_size == results['img'].shape[:2][::-1]:
            return results
        texts = results.get('gt_texts')
        before = [Polygon(np.asarray(p).reshape(-1, 2)).area
                  for p in results['gt_polygons']]
        # Tag each polygon with its index through its label array, which
        # the parent filters with the kept indices.
        labels = results['gt_bboxes_labels']
        results['gt_bboxes_labels'] = np.arange(len(labels))
        results = super().transform(results)
        # The clipped polygons come back as float64 (shapely); MMOCR's
        # losses call OpenCV on them, which wants float32.
        results['gt_polygons'] = [
            np.asarray(p, dtype=np.float32) for p in results['gt_polygons']
        ]
        kept = results['gt_bboxes_labels'].astype(int)
        results['gt_bboxes_labels'] = labels[kept]
        if texts is not None:
            results['gt_texts'] = [texts[i] for i in kept]
        ignored = results['gt_ignored'].copy()
        for j, (i, poly) in enumerate(zip(kept, results['gt_polygons'])):
            area = Polygon(np.asarray(poly).reshape(-1, 2)).area
            if before[i] > 0 and area < self.min_kept_area * before[i]:
                ignored[j] = True
        results['gt_ignored'] = ignored
        return results
