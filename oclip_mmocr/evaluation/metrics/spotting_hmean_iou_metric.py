# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""End-to-end text spotting metric following the official protocols."""
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger
from rapidfuzz.distance import Levenshtein

from mmocr.evaluation.functional import compute_hmean
from mmocr.registry import METRICS
from mmocr.utils import poly_intersection, poly_iou, polys2shapely

#: Characters the RRC scripts strip from word ends before comparing.
RRC_SPECIAL = '!?.:,*"()·[]/\''
LEXICONS = dict(
    icdar2015=('none', 'generic', 'weak', 'strong'),
    totaltext=('none', 'full'),
    lsvt=('none', ))


def read_lexicon(path: str) -> List[str]:
    """One word per line (an ``a b`` pair-list line keeps its first
    field); blank lines skipped."""
    try:
        with open(path, encoding='utf-8') as f:
            words = [ln.strip().split(' ')[0] for ln in f if ln.strip()]
    except FileNotFoundError:
        raise FileNotFoundError(f'lexicon file not found: {path}') from None
    if not words:
        raise ValueError(f'lexicon file {path} is empty')
    return words


def snap_to_lexicon(text: str, lexicon: Sequence[str]) -> str:
    """The lexicon word closest to ``text`` in (case-insensitive) edit
    distance; the first one on ties."""
    if not lexicon:
        return text
    up = text.upper()
    dists = [Levenshtein.distance(up, w.upper()) for w in lexicon]
    return lexicon[int(np.argmin(dists))]


def rrc_word_is_cared(text: str, min_len: int = 3) -> bool:
    """The RRC word-spotting dictionary rule: after dropping a final
    ``'s``, end hyphens and special characters, the word must be one token
    of at least ``min_len`` Latin/Greek letters or digits."""
    if text[-2:] in ("'s", "'S"):
        text = text[:-2]
    text = text.strip('-')
    for c in RRC_SPECIAL:
        text = text.replace(c, ' ')
    text = text.strip()
    if ' ' in text or len(text) < min_len:
        return False
    for c in text:
        o = ord(c)
        if c in '×÷·':
            return False
        if not (c.isdigit() or 0x61 <= o <= 0x7a or 0x41 <= o <= 0x5a
                or 0xc0 <= o <= 0x1bf or 0x1c4 <= o <= 0x24f
                or 0x386 <= o <= 0x3ff or c == '-'):
            return False
    return True


def rrc_transcription_match(gt: str, det: str, case_sensitive: bool = False
                            ) -> bool:
    """The RRC end-to-end rule: equal, or equal once one special character
    is removed from the start and/or the end of the ground truth."""
    if not case_sensitive:
        gt, det = gt.upper(), det.upper()
    if gt == det:
        return True
    if not gt:
        return False
    first, last = gt[0] in RRC_SPECIAL, gt[-1] in RRC_SPECIAL
    return ((first and gt[1:] == det) or (last and gt[:-1] == det)
            or (first and last and gt[1:-1] == det))


@METRICS.register_module()
class SpottingHmeanIOUMetric(BaseMetric):
    """End-to-end hmean (and detection hmean) of a text spotter.

    (Registered under a name of our own: MMOCR's ABCNet project registers
    ``E2EHmeanIOUMetric`` in the same registry.)

    Matching follows MMOCR's :class:`HmeanIOUMetric` and the RRC scripts:
    predictions under ``pred_score_thr`` are dropped, predictions lying
    mostly (intersection over their area > ``ignore_precision_thr``) on a
    don't-care ground truth (``ignored`` or ``###``) are discarded, then
    ground truths and predictions are paired first-come (ground truth by
    ground truth) at IoU > ``match_iou_thr``. A pair counts for detection;
    it counts end to end when its transcriptions match.

    Protocols:
        - ``'icdar2015'``: case-insensitive, the RRC special-character rule;
          ``word_spotting=True`` also turns ground truths failing the RRC
          dictionary rule (:func:`rrc_word_is_cared`) into don't-cares.
          Lexicons: ``'none'``, ``'generic'`` / ``'weak'``
          (``lexicon_file``), ``'strong'`` (per image,
          ``lexicon_dir/voc_<image stem>.txt``): the predicted word is
          replaced by the lexicon word at the smallest edit distance.
        - ``'totaltext'``: case-insensitive exact match; ``'none'`` or
          ``'full'`` (``lexicon_file``, every test word).
        - ``'lsvt'``: exact match (CJK text, case-insensitive Latin), plus
          ``1-NED``: 1 minus the mean normalised edit distance over matched
          pairs, unmatched ground truths and unmatched predictions (each of
          those at distance 1).

    Reported (with ``prefix``): ``det_precision/recall/hmean`` and
    ``e2e_precision/recall/hmean`` (+ ``1-NED`` for LSVT).

    Args:
        protocol (str): ``'icdar2015'``, ``'totaltext'`` or ``'lsvt'``.
        lexicon (str): See above.
        lexicon_file (str, optional): Generic / weak / full lexicon.
        lexicon_dir (str, optional): Per-image lexicons (strong).
        lexicon_pattern (str): Per-image file name, ``{stem}`` = image
            file name without extension.
        word_spotting (bool): Apply the RRC dictionary rule to ground truth.
        pred_score_thr (float): Detection score threshold.
        match_iou_thr, ignore_precision_thr (float): As HmeanIOUMetric.
    """

    default_prefix = 'e2e'

    def __init__(self,
                 protocol: str = 'icdar2015',
                 lexicon: str = 'none',
                 lexicon_file: Optional[str] = None,
                 lexicon_dir: Optional[str] = None,
                 lexicon_pattern: str = 'voc_{stem}.txt',
                 word_spotting: bool = False,
                 pred_score_thr: float = 0.5,
                 match_iou_thr: float = 0.5,
                 ignore_precision_thr: float = 0.5,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if protocol not in LEXICONS:
            raise ValueError(f'protocol must be one of {list(LEXICONS)}, '
                             f'got {protocol!r}')
        if lexicon not in LEXICONS[protocol]:
            raise ValueError(f'{protocol} has the lexicons '
                             f'{LEXICONS[protocol]}, got {lexicon!r}')
        self.protocol, self.lexicon = protocol, lexicon
        self.lexicon_words: Optional[List[str]] = None
        if lexicon in ('generic', 'weak', 'full'):
            if not lexicon_file:
                raise ValueError(f'lexicon {lexicon!r} needs lexicon_file')
            self.lexicon_words = read_lexicon(lexicon_file)
        if lexicon == 'strong' and not lexicon_dir:
            raise ValueError("lexicon 'strong' needs lexicon_dir")
        self.lexicon_dir, self.lexicon_pattern = lexicon_dir, lexicon_pattern
        self.word_spotting = word_spotting
        self.pred_score_thr = pred_score_thr
        self.match_iou_thr = match_iou_thr
        self.ignore_precision_thr = ignore_precision_thr

    def _lexicon_for(self, data_sample: Dict) -> Optional[List[str]]:
        if self.lexicon != 'strong':
            return self.lexicon_words
        stem = osp.splitext(osp.basename(data_sample.get('img_path', '')))[0]
        return read_lexicon(
            osp.join(self.lexicon_dir, self.lexicon_pattern.format(stem=stem)))

    def _text_match(self, gt: str, det: str) -> bool:
        if self.protocol == 'icdar2015':
            return rrc_transcription_match(gt, det)
        return gt.upper() == det.upper()

    def process(self, data_batch: Sequence[Dict],
                data_samples: Sequence[Dict]) -> None:
        for ds in data_samples:
            pred, gt = ds.get('pred_instances'), ds.get('gt_instances')
            scores = pred.get('scores')
            if isinstance(scores, torch.Tensor):
                scores = scores.cpu().numpy()
            scores = np.asarray(scores, np.float32).reshape(-1)
            pred_texts = list(pred.get('texts', [''] * len(scores)))
            lexicon = self._lexicon_for(ds)
            if lexicon is not None:
                pred_texts = [snap_to_lexicon(t, lexicon) for t in pred_texts]
            gt_texts = list(gt.get('texts', [''] * len(gt['polygons'])))
            ignored = gt.get('ignored')
            if isinstance(ignored, torch.Tensor):
                ignored = ignored.cpu().numpy()
            ignored = np.array(ignored, bool).reshape(-1)
            ignored |= np.array([t == '###' for t in gt_texts], bool)
            if self.word_spotting:
                ignored |= np.array(
                    [not rrc_word_is_cared(t) for t in gt_texts], bool)
            gt_polys = polys2shapely(gt['polygons'])
            pred_polys = polys2shapely(pred['polygons'])

            pred_ignored = scores < self.pred_score_thr
            for p in np.nonzero(~pred_ignored)[0]:
                for g in np.nonzero(ignored)[0]:
                    inter = poly_intersection(gt_polys[g], pred_polys[p])
                    if inter / (pred_polys[p].area + 1e-5) > \
                            self.ignore_precision_thr:
                        pred_ignored[p] = True
                        break
            care_gt = np.nonzero(~ignored)[0]
            care_pred = np.nonzero(~pred_ignored)[0]
            iou = np.zeros((len(care_gt), len(care_pred)))
            for i, g in enumerate(care_gt):
                for j, p in enumerate(care_pred):
                    iou[i, j] = poly_iou(gt_polys[g], pred_polys[p])
            used_gt, used_pred, pairs = set(), set(), []
            # First come, first matched, ground truth by ground truth: the
            # order of HmeanIOUMetric's 'vanilla' strategy.
            for i, j in zip(*np.nonzero(iou > self.match_iou_thr)):
                if i in used_gt or j in used_pred:
                    continue
                used_gt.add(i)
                used_pred.add(j)
                pairs.append((gt_texts[care_gt[i]], pred_texts[care_pred[j]]))
            correct = sum(self._text_match(g, d) for g, d in pairs)
            ned = [
                Levenshtein.normalized_distance(g, d) for g, d in pairs
            ] + [1.] * (len(care_gt) - len(pairs) + len(care_pred) -
                        len(pairs))
            self.results.append(
                dict(gt=len(care_gt), pred=len(care_pred),
                     matched=len(pairs), correct=correct, ned=ned))

    def compute_metrics(self, results: List[Dict]) -> Dict:
        gt = sum(r['gt'] for r in results)
        pred = sum(r['pred'] for r in results)
        out = {}
        for name, hits in (('det', sum(r['matched'] for r in results)),
                           ('e2e', sum(r['correct'] for r in results))):
            recall, precision, hmean = compute_hmean(hits, hits, gt, pred)
            out.update({
                f'{name}_precision': precision,
                f'{name}_recall': recall,
                f'{name}_hmean': hmean
            })
        if self.protocol == 'lsvt':
            neds = [d for r in results for d in r['ned']]
            out['1-NED'] = 1. - float(np.mean(neds)) if neds else 1.
        MMLogger.get_current_instance().info(
            f'E2E ({self.protocol}, lexicon {self.lexicon}, score >= '
            f'{self.pred_score_thr}): ' +
            ', '.join(f'{k}: {v:.4f}' for k, v in out.items()))
        return out
