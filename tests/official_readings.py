"""Our reading of each official evaluation script, written as the scripts
are written (per image, loops over ground truths and detections, parsing
the submission files) and independently of the package's metrics, so the
randomized tests can compare the two.

Read from (none vendored; the rules are restated in our own code):
- RRC ICDAR2015 Challenge 4 detection (task 4.1) and end-to-end / word
  spotting (task 4.4) ``script.py`` + ``rrc_evaluation_funcs.py``: integer
  clockwise quads, IoU > 0.5, first-come matching ground truth by ground
  truth, a detection is don't care when its intersection with a ``###``
  ground truth over its own area is > 0.5.
- Total-Text ``Evaluation_Protocol/Python_scripts/Deteval.py``
  (cs-chan/Total-Text-Dataset).
- CTW1500 ``voc_eval_polygon.py`` as run by ``ctw1500_eval.py`` (the copy in
  GXYM/TextBPN): every detection, in file order, is matched to the ground
  truth of highest IoU; invalid detection polygons are skipped.
- Mask TextSpotter v3's lexicon step: the nearest lexicon entry by edit
  distance; weak/strong/full drop a word at distance >= 1.5.
"""
import re
import zipfile
from typing import Dict, List, Sequence, Tuple

import numpy as np
from rapidfuzz.distance import Levenshtein
from shapely.geometry import Polygon

SPECIAL = "'!?.:,*\"()·[]/"


# ----------------------------------------------------------- file parsing
def read_rrc_zip(path: str, with_text: bool) -> Dict[str, List]:
    """``res_img_<n>.txt`` -> [(8 ints, transcription)], as the RRC
    regexes read them (integers only), checking the clockwise rule."""
    num = r'\s*(-?[0-9]+)\s*'
    line_re = re.compile('^' + ','.join([num] * 8) +
                         (',(.*)$' if with_text else '$'))
    out = {}
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            m = re.match(r'^res_img_(\d+)\.txt$', name)
            assert m, f'unexpected file {name}'
            dets = []
            for line in zf.read(name).decode('utf-8').split('\n'):
                if not line:
                    continue
                lm = line_re.match(line)
                assert lm, f'{name}: line not in the RRC format: {line!r}'
                pts = [int(lm.group(i)) for i in range(1, 9)]
                edge = sum((pts[(2 * i + 2) % 8] - pts[2 * i]) *
                           (pts[(2 * i + 3) % 8] + pts[2 * i + 1])
                           for i in range(4))
                assert edge <= 0, f'{name}: points not clockwise: {line}'
                text = ''
                if with_text:
                    text = lm.group(9)
                    q = re.match(r'^\s*"(.*)"\s*$', text)
                    if q:
                        text = q.group(1).replace('\\\\', '\\').replace(
                            '\\"', '"')
                dets.append((pts, text))
            out[f'img_{m.group(1)}'] = dets
    return out


def read_deteval_dir(folder: str) -> Dict[str, List[List[int]]]:
    """``<stem>.txt`` with ``y,x,y,x,...`` lines -> flat x,y int lists."""
    import os
    out = {}
    for name in os.listdir(folder):
        with open(os.path.join(folder, name)) as f:
            dets = []
            for line in f.read().split('\n'):
                if not line:
                    continue
                v = list(map(int, line.split(',')))  # int(): the script's
                ys, xs = v[0::2], v[1::2]
                dets.append([c for xy in zip(xs, ys) for c in xy])
        out[name[:-4]] = dets
    return out


def read_voc_dir(folder: str) -> Dict[str, List[List[float]]]:
    import os
    out = {}
    for name in os.listdir(folder):
        with open(os.path.join(folder, name)) as f:
            out[name[:-4]] = [
                [float(v) for v in line.split(',')]
                for line in f.read().split('\n') if line
            ]
    return out


def read_tt_e2e_zip(path: str) -> Dict[str, List]:
    out = {}
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            dets = []
            for line in zf.read(name).decode('utf-8').split('\n'):
                if not line:
                    continue
                coords, text = line.split(',####', 1)
                dets.append((list(map(int, coords.split(','))), text))
            out[f'img{int(name[:-4])}'] = dets
    return out


# ------------------------------------------------------------- geometry
def _poly(flat) -> Polygon:
    return Polygon(np.asarray(flat, np.float64).reshape(-1, 2))


def _inter(a: Polygon, b: Polygon) -> float:
    return a.buffer(0).intersection(b.buffer(0)).area


def _iou(a: Polygon, b: Polygon) -> float:
    inter = _inter(a, b)
    union = a.area + b.area - inter
    return 0. if union == 0 else inter / union


def _prh(tp_r, tp_p, n_gt, n_det) -> Tuple[float, float, float]:
    r = 0. if n_gt == 0 else tp_r / n_gt
    p = 0. if n_det == 0 else tp_p / n_det
    h = 0. if p + r == 0 else 2 * p * r / (p + r)
    return p, r, h


# ------------------------------------------------- RRC (ICDAR2015) scripts
def transcription_match(gt: str, det: str) -> bool:
    """RRC 4.4 ``transcription_match`` (upper-cased inputs, one special
    character may go from the start and/or the end of the ground truth)."""
    gt, det = gt.upper(), det.upper()
    if gt == det:
        return True
    if len(gt) == 0:
        return False
    if gt[0] in SPECIAL and gt[1:] == det:
        return True
    if gt[-1] in SPECIAL and gt[:-1] == det:
        return True
    if gt[0] in SPECIAL and gt[-1] in SPECIAL and gt[1:-1] == det:
        return True
    return False


def _dictionary_form(t: str) -> str:
    if t[len(t) - 2:] == "'s" or t[len(t) - 2:] == "'S":
        t = t[0:len(t) - 2]
    t = t.strip('-')
    for c in SPECIAL:
        t = t.replace(c, ' ')
    return t.strip()


def include_in_dictionary(t: str) -> bool:
    t = _dictionary_form(t)
    if len(t) != len(t.replace(' ', '')):
        return False
    if len(t) < 3:
        return False
    for ch in t:
        o = ord(ch)
        if ch in '×÷·':
            return False
        ok = (ord('a') <= o <= ord('z') or ord('A') <= o <= ord('Z')
              or ord('À') <= o <= ord('ƿ') or ord('Ǆ') <= o <= ord('ɿ')
              or ord('Ά') <= o <= ord('Ͽ') or ch == '-')
        if not ok:
            return False
    return True


def rrc_evaluate(gts: Dict[str, List], dets: Dict[str, List],
                 e2e: bool = False, word_spotting: bool = False
                 ) -> Dict[str, float]:
    """gts: image -> [(flat polygon, transcription)] ('###' don't care);
    dets: image -> [(flat polygon, transcription)]. Works for quads (RRC)
    and polygons (the Total-Text end-to-end script is the same loop)."""
    matched_sum = n_gt_care = n_det_care = 0
    for img, gt_list in gts.items():
        gt_pols, gt_trans, gt_dc = [], [], []
        for n, (pts, t) in enumerate(gt_list):
            dont_care = t == '###'
            if word_spotting and not dont_care:
                if not include_in_dictionary(t):
                    dont_care = True
                else:
                    t = _dictionary_form(t)
            gt_pols.append(_poly(pts))
            gt_trans.append(t)
            if dont_care:
                gt_dc.append(n)
        det_pols, det_trans, det_dc = [], [], []
        for pts, t in dets.get(img, []):
            det = _poly(pts)
            det_pols.append(det)
            det_trans.append(t)
            for d in gt_dc:
                area = det.area
                prec = 0 if area == 0 else _inter(gt_pols[d], det) / area
                if prec > 0.5:
                    det_dc.append(len(det_pols) - 1)
                    break
        gt_done = [0] * len(gt_pols)
        det_done = [0] * len(det_pols)
        matched = 0
        for g in range(len(gt_pols)):
            for d in range(len(det_pols)):
                if gt_done[g] or det_done[d] or g in gt_dc or d in det_dc:
                    continue
                if _iou(det_pols[d], gt_pols[g]) > 0.5:
                    gt_done[g] = det_done[d] = 1
                    if not e2e:
                        matched += 1
                    elif word_spotting:
                        matched += gt_trans[g].upper() == det_trans[d].upper()
                    else:
                        matched += transcription_match(gt_trans[g],
                                                       det_trans[d])
        matched_sum += matched
        n_gt_care += len(gt_pols) - len(gt_dc)
        n_det_care += len(det_pols) - len(det_dc)
    p, r, h = _prh(matched_sum, matched_sum, n_gt_care, n_det_care)
    return dict(precision=p, recall=r, hmean=h)


# ------------------------------------------------------------- DetEval
def deteval_evaluate(gts: Dict[str, List], dets: Dict[str, List],
                     tr: float = 0.7, tp: float = 0.6) -> Dict[str, float]:
    """gts: image -> [(flat int polygon, '#' for don't care or text)]."""
    fsc_k, k = 0.8, 2
    acc_r = acc_p = 0.
    total_gt = total_det = 0
    for img, gt_list in gts.items():
        detections = [list(d) for d in dets.get(img, [])]
        for pts, t in gt_list:  # detection_filtering
            if t != '#':
                continue
            g = _poly(pts)
            kept = []
            for d in detections:
                dp = _poly(d)
                if _inter(dp, g) / (dp.area + 1.0) > 0.5:
                    continue
                kept.append(d)
            detections = kept
        care = [pts for pts, t in gt_list if t != '#']
        sigma = np.zeros((len(care), len(detections)))
        tau = np.zeros((len(care), len(detections)))
        for gi, gpts in enumerate(care):
            for di, d in enumerate(detections):
                g, dp = _poly(gpts), _poly(d)
                inter = _inter(dp, g)
                sigma[gi, di] = np.round(inter / g.area, 2)
                # The script divides by zero here; the package counts a
                # zero-area detection as a false positive (tau 0).
                tau[gi, di] = np.round(inter / dp.area, 2) if dp.area else 0
        n_gt, n_det = sigma.shape
        total_gt += n_gt
        total_det += n_det
        gt_flag = np.zeros(n_gt)
        det_flag = np.zeros(n_det)
        for g in range(n_gt):  # one_to_one
            s_c = np.where(sigma[g, :] > tr)[0]
            t_c = np.where(tau[g, :] > tp)[0]
            s_d = np.where(sigma[:, s_c] > tr)[0].shape[0]
            t_d = np.where(tau[:, t_c] > tp)[0].shape[0]
            if len(s_c) == 1 and len(t_c) == 1 and s_d == 1 and t_d == 1:
                acc_r += 1.
                acc_p += 1.
                gt_flag[g] = 1
                det_flag[np.where(sigma[g, :] > tr)] = 1
        for g in range(n_gt):  # one_to_many
            if gt_flag[g] > 0:
                continue
            if np.where(sigma[g, :] > 0)[0].shape[0] >= k:
                q = np.where((tau[g, :] >= tp) & (det_flag == 0))[0]
                if q.shape[0] == 1:
                    if tau[g, q[0]] >= tp and sigma[g, q[0]] >= tr:
                        acc_r += 1.
                        acc_p += 1.
                        gt_flag[g] = 1
                        det_flag[q] = 1
                elif np.sum(sigma[g, q]) >= tr:
                    gt_flag[g] = 1
                    det_flag[q] = 1
                    acc_r += fsc_k
                    acc_p += q.shape[0] * fsc_k
        for d in range(n_det):  # many_to_one
            if det_flag[d] > 0:
                continue
            if np.where(tau[:, d] > 0)[0].shape[0] >= k:
                q = np.where((sigma[:, d] >= tp) & (gt_flag == 0))[0]
                if q.shape[0] == 1:
                    if tau[q[0], d] >= tp and sigma[q[0], d] >= tr:
                        acc_r += 1.
                        acc_p += 1.
                        gt_flag[q] = 1
                        det_flag[d] = 1
                elif np.sum(tau[q, d]) >= tp:
                    det_flag[d] = 1
                    gt_flag[q] = 1
                    acc_r += q.shape[0] * fsc_k
                    acc_p += fsc_k
    p, r, h = _prh(acc_r, acc_p, total_gt, total_det)
    return dict(precision=p, recall=r, hmean=h)


# ------------------------------------------------------ CTW1500 VOC script
def voc_polygon_evaluate(gts: Dict[str, List], dets: Dict[str, List]
                         ) -> Dict[str, float]:
    """gts: image -> [flat polygon] (the script has no don't care);
    dets: image -> [flat polygon], scored in file order."""
    npos = sum(len(v) for v in gts.values())
    used = {img: [False] * len(v) for img, v in gts.items()}
    tp = fp = 0
    for img in sorted(dets):
        for d in dets[img]:
            pdet = _poly(d)
            if not pdet.is_valid:
                continue  # skipped: neither a hit nor a false positive
            overlaps = np.zeros(len(gts[img]))
            for i, g in enumerate(gts[img]):
                pgt = _poly(g)
                inter = pdet.intersection(pgt).area
                uni = max(pgt.area + pdet.area - inter, 1e-5)
                overlaps[i] = inter / uni
            if len(overlaps) and overlaps.max() > 0.5:
                j = int(np.argmax(overlaps))
                if not used[img][j]:
                    tp += 1
                    used[img][j] = True
                else:
                    fp += 1
            else:
                fp += 1
    r = tp / npos if npos else 0.
    p = tp / max(tp + fp, np.finfo(np.float64).eps)
    h = 0. if p + r == 0 else 2 * p * r / (p + r)
    return dict(precision=p, recall=r, hmean=h)


# ------------------------------------------------ Mask TextSpotter lexicon
def mts_lexicon(dets: Dict[str, List], lexicon: Sequence[str],
                pairs: Dict[str, str], drop: bool) -> Dict[str, List]:
    """Each transcription replaced by its nearest lexicon entry's pair (the
    first on ties, case-insensitive edit distance); with ``drop`` a word at
    distance >= 1.5 is removed from the file."""
    out = {}
    for img, lst in dets.items():
        kept = []
        for pts, text in lst:
            best, dist = None, 100
            for w in lexicon:
                e = Levenshtein.distance(text.upper(), w.upper())
                if e < dist:
                    best, dist = w, e
            if drop and dist >= 1.5:
                continue
            kept.append((pts, pairs.get(best.upper(), best)))
        out[img] = kept
    return out
