# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""MMOCR's HmeanIOUMetric on what a submission file would hold."""
from typing import Dict, Sequence

import numpy as np
import torch

from mmocr.evaluation import HmeanIOUMetric
from mmocr.registry import METRICS
from ..submission import submission_instances


def rounded_samples(data_samples: Sequence[Dict],
                    quadrilaterals: bool = False) -> list:
    """Copies of ``data_samples`` whose predictions are what a submission
    holds (:func:`submission_instances`, every score kept)."""
    out = []
    for ds in data_samples:
        pred = ds['pred_instances']
        polys, texts, scores, _ = submission_instances(
            pred, -np.inf, quadrilaterals)
        new_pred = dict(polygons=[p.astype(np.float64) for p in polys],
                        scores=torch.as_tensor(scores, dtype=torch.float32))
        if 'texts' in pred:
            new_pred['texts'] = texts
        out.append(dict(ds, pred_instances=new_pred))
    return out


@METRICS.register_module()
class SubmissionHmeanIOUMetric(HmeanIOUMetric):
    """:class:`HmeanIOUMetric` (same matching, same threshold sweep) scored
    on the polygons a submission file would hold: with
    ``official_rounding``, integer coordinates (and, with
    ``quadrilaterals``, the RRC server's clockwise quadrilaterals), which is
    what the RRC ICDAR2015 and the CTW1500 VOC-polygon scripts read.

    Args:
        official_rounding (bool): Round as a submission would. Defaults to
            True (False is MMOCR's metric unchanged).
        quadrilaterals (bool): ICDAR2015's quadrilateral format.
        **kwargs: :class:`HmeanIOUMetric`'s arguments.
    """

    def __init__(self, official_rounding: bool = True,
                 quadrilaterals: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.official_rounding = official_rounding
        self.quadrilaterals = quadrilaterals

    def process(self, data_batch: Sequence[Dict],
                data_samples: Sequence[Dict]) -> None:
        if self.official_rounding:
            data_samples = rounded_samples(
                [ds if isinstance(ds, dict) else ds.to_dict()
                 for ds in data_samples], self.quadrilaterals)
        super().process(data_batch, data_samples)
