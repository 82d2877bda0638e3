# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Word accuracy of a spotter's recogniser on the ground-truth polygons."""
from typing import Dict, List, Sequence

from mmengine.evaluator import BaseMetric
from rapidfuzz.distance import Levenshtein

from mmocr.registry import METRICS


@METRICS.register_module()
class GTRecognitionMetric(BaseMetric):
    """How well the recogniser reads words it is given, detection aside.

    Reads ``gt_instances.read_texts``, the spotter's reading of each
    ground-truth polygon (``MTSSpotter(read_gt=True)``), and compares it
    with ``gt_instances.texts`` over the words it read (not ignored, a
    usable transcription). With the end-to-end hmean this tells a
    detection failure (good readings here, few end-to-end matches) from a
    recognition failure (poor readings here).

    Metrics (prefix ``gt_rec``): ``word_acc`` (case-insensitive, the RRC
    end-to-end comparison), ``word_acc_exact``, ``char_acc`` (mean
    ``1 - normalised edit distance``, case-insensitive, as MMOCR's
    ``OneMinusNEDMetric``: it moves while a recogniser still reads no word
    whole) and ``num_words``.

    Args:
        collect_device (str): See :class:`BaseMetric`.
        prefix (str, optional): Defaults to ``'gt_rec'``.
    """
    default_prefix = 'gt_rec'

    def process(self, data_batch, data_samples: Sequence[Dict]) -> None:
        for ds in data_samples:
            gt = ds.get('gt_instances', {})
            reads = gt.get('read_texts')
            if reads is None:
                continue
            texts = list(gt.get('texts', [''] * len(reads)))
            hits = exact = n = 0
            chars = 0.
            for read, text in zip(reads, texts):
                if read is None:  # not a word the recogniser can be asked
                    continue
                n += 1
                hits += read.upper() == text.upper()
                exact += read == text
                chars += 1. - Levenshtein.normalized_distance(
                    read.upper(), text.upper())
            self.results.append(
                dict(n=n, hits=hits, exact=exact, chars=chars))

    def compute_metrics(self, results: List[Dict]) -> Dict[str, float]:
        n = sum(r['n'] for r in results)
        if not results:
            raise ValueError(
                'GTRecognitionMetric: no sample carried read_texts; the '
                'model must read the ground truth (MTSSpotter(read_gt=True)) '
                'and the test pipeline load texts')
        return dict(
            word_acc=sum(r['hits'] for r in results) / n if n else 0.,
            word_acc_exact=sum(r['exact'] for r in results) / n if n else 0.,
            char_acc=sum(r['chars'] for r in results) / n if n else 0.,
            num_words=float(n))
