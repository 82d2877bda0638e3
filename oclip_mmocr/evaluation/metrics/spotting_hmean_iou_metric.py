# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""End-to-end text spotting metric following the official protocols."""
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger
from rapidfuzz.distance import Levenshtein

from mmocr.evaluation.functional import compute_hmean
from mmocr.registry import METRICS
from mmocr.utils import poly_intersection, poly_iou, polys2shapely
from ..submission import submission_instances

#: Characters the RRC scripts strip from word ends before comparing.
RRC_SPECIAL = '!?.:,*"()·[]/\''
LEXICONS = dict(
    icdar2015=('none', 'generic', 'weak', 'strong'),
    totaltext=('none', 'full'),
    lsvt=('none', ))


def read_lexicon(path: str) -> List[str]:
    """One entry per line, kept whole (entries may hold several words, e.g.
    ``50% OFF``); blank lines skipped."""
    try:
        with open(path, encoding='utf-8') as f:
            words = [ln.strip() for ln in f if ln.strip()]
    except FileNotFoundError:
        raise FileNotFoundError(f'lexicon file not found: {path}') from None
    if not words:
        raise ValueError(f'lexicon file {path} is empty')
    return words


def read_pairs(path: str) -> Dict[str, str]:
    """A pair list: ``<LEXICON ENTRY> <ground-truth spelling>`` per line,
    the first token (upper-cased) mapping to the rest of the line, as the
    Mask TextSpotter evaluation reads it."""
    try:
        with open(path, encoding='utf-8') as f:
            lines = [ln.strip() for ln in f if ln.strip()]
    except FileNotFoundError:
        raise FileNotFoundError(f'pair list not found: {path}') from None
    pairs = {}
    for line in lines:
        word = line.split(' ')[0].upper()
        pairs[word] = line[len(word) + 1:] or word
    return pairs


def match_lexicon(text: str, lexicon: Sequence[str],
                  pairs: Optional[Dict[str, str]] = None
                  ) -> Tuple[str, int]:
    """The lexicon entry closest to ``text`` in (case-insensitive) edit
    distance (the first one on ties), mapped through ``pairs`` when given,
    and that distance."""
    up = text.upper()
    best, dist = None, None
    for word in lexicon:
        d = Levenshtein.distance(up, word.upper())
        if dist is None or d < dist:
            best, dist = word, d
    if pairs is not None:
        best = pairs.get(best.upper(), best)
    return best, dist


#: Mask TextSpotter v3's rule: with a weak, strong or full lexicon a word
#: farther than this from every entry is dropped, not snapped.
LEXICON_MAX_DIST = 1.5


def rrc_spotting_transcription(text: str) -> str:
    """The RRC word-spotting normalisation of a ground truth: a final
    ``'s`` dropped, end hyphens stripped, special characters to spaces."""
    if text[-2:] in ("'s", "'S"):
        text = text[:-2]
    text = text.strip('-')
    for c in RRC_SPECIAL:
        text = text.replace(c, ' ')
    return text.strip()


def rrc_word_is_cared(text: str, min_len: int = 3) -> bool:
    """The RRC word-spotting dictionary rule: after
    :func:`rrc_spotting_transcription`, the word must be one token of at
    least ``min_len`` Latin or Greek letters or hyphens (no digits: ``2015``
    and ``CW3`` are don't-care)."""
    text = rrc_spotting_transcription(text)
    if ' ' in text or len(text) < min_len:
        return False
    for c in text:
        o = ord(c)
        if c in '×÷·':
            return False
        if not (0x61 <= o <= 0x7a or 0x41 <= o <= 0x5a or 0xc0 <= o <= 0x1bf
                or 0x1c4 <= o <= 0x24f or 0x386 <= o <= 0x3ff or c == '-'):
            return False
    return True


def rrc_transcription_match(gt: str, det: str, case_sensitive: bool = False
                            ) -> bool:
    """The RRC end-to-end rule (also Total-Text's end-to-end script): equal,
    or equal once one special character is removed from the start and/or
    the end of the ground truth."""
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
    it counts end to end when its transcriptions match. Detection numbers
    use every prediction; end-to-end ones the predictions a lexicon keeps.

    Protocols (docs/evaluation.md, for the official scripts
    each one follows):
        - ``'icdar2015'``: the RRC end-to-end script: case-insensitive, one
          special character may be dropped from either end of the ground
          truth. ``word_spotting=True``: the RRC word-spotting script:
          ground truths failing its dictionary rule
          (:func:`rrc_word_is_cared`: no digits, 3+ letters, one token) are
          don't-care, the others are normalised
          (:func:`rrc_spotting_transcription`) and must equal the
          prediction, case-insensitively.
        - ``'totaltext'``: AdelaiDet's Total-Text end-to-end script
          (``adet/evaluation/text_eval_script.py``): the RRC end-to-end
          rule on polygons; with ``word_spotting=True`` (what AdelaiDet
          runs for Total-Text by default) the RRC word-spotting rule.
        - ``'lsvt'``: exact match (CJK text, case-insensitive Latin), plus
          ``1-NED``: 1 minus the mean normalised edit distance over matched
          pairs, unmatched ground truths and unmatched predictions (each of
          those at distance 1).

    Lexicons (Mask TextSpotter v3's protocol): each predicted word is
    replaced by the closest lexicon entry (edit distance, case-insensitive),
    mapped to the ground truth's spelling through a pair list when given;
    with ``'generic'`` always, with ``'weak'``, ``'strong'`` (per image,
    ``lexicon_dir/voc_<image stem>.txt``) or ``'full'`` only when that
    distance is under 1.5, otherwise the prediction is dropped from the
    end-to-end evaluation.

    Reported (with ``prefix``): ``det_precision/recall/hmean`` and
    ``e2e_precision/recall/hmean`` (+ ``1-NED`` for LSVT).

    Args:
        protocol (str): ``'icdar2015'``, ``'totaltext'`` or ``'lsvt'``.
        lexicon (str): See above.
        lexicon_file (str, optional): Generic / weak / full lexicon.
        lexicon_pairs_file (str, optional): Its pair list.
        lexicon_dir (str, optional): Per-image lexicons (strong).
        lexicon_pattern (str): Per-image lexicon name, ``{stem}`` = image
            file name without extension.
        lexicon_pair_pattern (str, optional): Per-image pair list name in
            ``lexicon_dir`` (e.g. ``'pair_voc_{stem}.txt'``).
        word_spotting (bool): The RRC word-spotting rules (ICDAR2015, and
            Total-Text as AdelaiDet scores it).
        official_rounding (bool): Score the polygons a submission file
            would hold (:func:`~oclip_mmocr.evaluation.submission.
            submission_polygon`: integer coordinates, still simple).
        quadrilaterals (bool): With ``official_rounding``, the RRC format's
            clockwise quadrilaterals (minimum-area rectangles of longer
            polygons), as an ICDAR2015 submission holds them.
        pred_score_thr (float): Detection score threshold.
        match_iou_thr, ignore_precision_thr (float): As HmeanIOUMetric.
    """

    default_prefix = 'e2e'

    def __init__(self,
                 protocol: str = 'icdar2015',
                 lexicon: str = 'none',
                 lexicon_file: Optional[str] = None,
                 lexicon_pairs_file: Optional[str] = None,
                 lexicon_dir: Optional[str] = None,
                 lexicon_pattern: str = 'voc_{stem}.txt',
                 lexicon_pair_pattern: Optional[str] = None,
                 word_spotting: bool = False,
                 official_rounding: bool = False,
                 quadrilaterals: bool = False,
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
        if word_spotting and protocol == 'lsvt':
            raise ValueError('word_spotting is an ICDAR2015 / Total-Text '
                             'rule (LSVT scores exact match and 1-NED)')
        self.protocol, self.lexicon = protocol, lexicon
        self.lexicon_words: Optional[List[str]] = None
        self.lexicon_pairs: Optional[Dict[str, str]] = None
        if lexicon in ('generic', 'weak', 'full'):
            if not lexicon_file:
                raise ValueError(f'lexicon {lexicon!r} needs lexicon_file')
            self.lexicon_words = read_lexicon(lexicon_file)
            if lexicon_pairs_file:
                self.lexicon_pairs = read_pairs(lexicon_pairs_file)
        if lexicon == 'strong' and not lexicon_dir:
            raise ValueError("lexicon 'strong' needs lexicon_dir")
        self.lexicon_dir, self.lexicon_pattern = lexicon_dir, lexicon_pattern
        self.lexicon_pair_pattern = lexicon_pair_pattern
        self.word_spotting = word_spotting
        self.official_rounding = official_rounding
        self.quadrilaterals = quadrilaterals
        self.pred_score_thr = pred_score_thr
        self.match_iou_thr = match_iou_thr
        self.ignore_precision_thr = ignore_precision_thr

    def _lexicon_for(self, data_sample: Dict
                     ) -> Tuple[Optional[List[str]], Optional[Dict]]:
        if self.lexicon != 'strong':
            return self.lexicon_words, self.lexicon_pairs
        stem = osp.splitext(osp.basename(data_sample.get('img_path', '')))[0]
        words = read_lexicon(
            osp.join(self.lexicon_dir, self.lexicon_pattern.format(stem=stem)))
        pairs = read_pairs(osp.join(
            self.lexicon_dir, self.lexicon_pair_pattern.format(
                stem=stem))) if self.lexicon_pair_pattern else None
        return words, pairs

    def _text_match(self, gt: str, det: str) -> bool:
        if self.word_spotting or self.protocol == 'lsvt':
            return gt.upper() == det.upper()
        return rrc_transcription_match(gt, det)

    def _apply_lexicon(self, texts: List[str], ds: Dict
                       ) -> Tuple[List[str], np.ndarray]:
        """Snapped texts and which predictions the lexicon keeps."""
        lexicon, pairs = self._lexicon_for(ds)
        keep = np.ones(len(texts), bool)
        if lexicon is None:
            return texts, keep
        out = []
        for i, text in enumerate(texts):
            word, dist = match_lexicon(text, lexicon, pairs)
            if self.lexicon != 'generic' and dist >= LEXICON_MAX_DIST:
                keep[i] = False
            out.append(word)
        return out, keep

    def _match(self, gt_polys, pred_polys, care_gt, care_pred) -> List:
        """First come, first matched, ground truth by ground truth (the
        order of HmeanIOUMetric's 'vanilla' strategy): ``(g, p)`` pairs."""
        iou = np.zeros((len(care_gt), len(care_pred)))
        for i, g in enumerate(care_gt):
            for j, p in enumerate(care_pred):
                iou[i, j] = poly_iou(gt_polys[g], pred_polys[p])
        used_gt, used_pred, pairs = set(), set(), []
        for i, j in zip(*np.nonzero(iou > self.match_iou_thr)):
            if i in used_gt or j in used_pred:
                continue
            used_gt.add(i)
            used_pred.add(j)
            pairs.append((care_gt[i], care_pred[j]))
        return pairs

    def process(self, data_batch: Sequence[Dict],
                data_samples: Sequence[Dict]) -> None:
        for ds in data_samples:
            pred, gt = ds.get('pred_instances'), ds.get('gt_instances')
            if self.official_rounding:
                # Exactly what a submission file would hold.
                polygons, pred_texts, scores, _ = submission_instances(
                    pred, -np.inf, self.quadrilaterals)
            else:
                scores = pred.get('scores')
                if isinstance(scores, torch.Tensor):
                    scores = scores.cpu().numpy()
                scores = np.asarray(scores, np.float32).reshape(-1)
                polygons = list(pred['polygons'])
                pred_texts = list(pred.get('texts', [''] * len(scores)))
            pred_texts, lexicon_keep = self._apply_lexicon(pred_texts, ds)
            gt_texts = list(gt.get('texts', [''] * len(gt['polygons'])))
            ignored = gt.get('ignored')
            if isinstance(ignored, torch.Tensor):
                ignored = ignored.cpu().numpy()
            ignored = np.array(ignored, bool).reshape(-1)
            ignored |= np.array([t == '###' for t in gt_texts], bool)
            if self.word_spotting:
                ignored |= np.array(
                    [not rrc_word_is_cared(t) for t in gt_texts], bool)
                gt_texts = [rrc_spotting_transcription(t) for t in gt_texts]
            gt_polys = polys2shapely(gt['polygons'])
            pred_polys = polys2shapely(polygons)

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
            det_pairs = self._match(gt_polys, pred_polys, care_gt, care_pred)
            e2e_pred = care_pred[lexicon_keep[care_pred]]
            e2e_pairs = det_pairs if len(e2e_pred) == len(care_pred) else \
                self._match(gt_polys, pred_polys, care_gt, e2e_pred)
            correct = sum(
                self._text_match(gt_texts[g], pred_texts[p])
                for g, p in e2e_pairs)
            ned = [
                Levenshtein.normalized_distance(gt_texts[g], pred_texts[p])
                for g, p in e2e_pairs
            ] + [1.] * (len(care_gt) - len(e2e_pairs) + len(e2e_pred) -
                        len(e2e_pairs))
            self.results.append(
                dict(gt=len(care_gt), pred=len(care_pred),
                     e2e_pred=len(e2e_pred), matched=len(det_pairs),
                     correct=correct, ned=ned))

    def compute_metrics(self, results: List[Dict]) -> Dict:
        gt = sum(r['gt'] for r in results)
        out = {}
        for name, hits, pred in (
            ('det', sum(r['matched'] for r in results),
             sum(r['pred'] for r in results)),
            ('e2e', sum(r['correct'] for r in results),
             sum(r.get('e2e_pred', r['pred']) for r in results)),
        ):
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
