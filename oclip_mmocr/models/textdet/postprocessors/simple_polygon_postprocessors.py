# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""MMOCR's DBNet, PSENet and FCENet post-processors, emitting simple
polygons only.

FCENet's Fourier contours and DBNet/PSENet's approximated contours can
cross themselves; the official scripts then disagree on the score
(docs/evaluation.md). These subclasses repair every output polygon
(:func:`~oclip_mmocr.utils.polygon_repair.repair_polygon`) and drop the
ones with no area left; everything else is MMOCR's.
"""
from typing import List, Sequence

from mmocr.models.textdet.postprocessors import (DBPostprocessor,
                                                 FCEPostprocessor,
                                                 PSEPostprocessor)
from mmocr.registry import MODELS
from mmocr.structures import TextDetDataSample
from oclip_mmocr.utils.polygon_repair import keep_simple_polygons


class SimplePolygonsMixin:
    """Repair the polygons of a :class:`BaseTextDetPostProcessor`'s output,
    after MMOCR's own rescaling (a positive scaling keeps a simple polygon
    simple)."""

    def __call__(self, pred_results, data_samples: Sequence[TextDetDataSample],
                 training: bool = False) -> List[TextDetDataSample]:
        results = super().__call__(pred_results, data_samples, training)
        for ds in results:
            if 'pred_instances' in ds:
                ds.pred_instances = keep_simple_polygons(ds.pred_instances)
        return results


@MODELS.register_module()
class ValidDBPostprocessor(SimplePolygonsMixin, DBPostprocessor):
    """:class:`DBPostprocessor` emitting simple polygons only."""


@MODELS.register_module()
class ValidPSEPostprocessor(SimplePolygonsMixin, PSEPostprocessor):
    """:class:`PSEPostprocessor` emitting simple polygons only."""


@MODELS.register_module()
class ValidFCEPostprocessor(SimplePolygonsMixin, FCEPostprocessor):
    """:class:`FCEPostprocessor` emitting simple polygons only."""
