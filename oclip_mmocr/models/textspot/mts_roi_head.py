# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np
import torch
from mmengine.model import BaseModule
from mmengine.structures import InstanceData, LabelData

from mmocr.registry import MODELS, TASK_UTILS
from mmocr.structures import TextRecogDataSample
from mmocr.utils import poly_iou, polys2shapely, rescale_polygons
from oclip_mmocr.utils.polygon_repair import repair_polygon
from .mts_spotter import OldSpotterCheckpointError
from .char_segmentation import (IGNORE, balance_weights, char_seg_targets,
                                chars_of, decode_char_map)
from .roi_masking import (masked_roi_features, masked_word_features,
                          polygon_boxes, polygon_roi_masks, word_axis_rois)
from .text_kernels import offset_outline


@MODELS.register_module()
class MTSRoIHead(BaseModule):
    """Mask TextSpotter v3's RoI stage on hard-masked features: it owns the
    score/box, instance-mask, character-segmentation and recognition heads
    and their losses (each built from config).

    Proposals come from the detection head (``pred_instances.polygons`` of
    each sample, input pixels). In training the ground-truth polygons are
    proposals too, and a proposal is positive when its IoU with a cared
    ground truth reaches ``pos_iou``; every proposal trains the score,
    positives the box refinement (MMDet's ``DeltaXYWHBBoxCoder``) and the
    mask, positives with a usable transcription the recogniser, and
    positives whose word has character boxes (``gt_instances.char_polygons``)
    the character branch, which is off for words and datasets without them.

    At inference the mask head reads the refined boxes (still masked by the
    proposal polygon); the recogniser (an attention decoder, MMOCR's SAR)
    and the character branch read each output polygon along its own axis
    (rotated RoIAlign over its minimum-area rectangle), and the reading with
    the higher mean character score is kept (Mask TextSpotter v3 combines
    the two; without a lexicon it does not say how, so this rule is ours).

    Args:
        score_head, mask_head (dict): :class:`BoxScoreHead`,
            :class:`TextMaskHead`.
        rec_encoder, rec_decoder (dict): MMOCR recognition encoder/decoder
            (the decoder holds the dictionary and its loss). The encoder may
            be None (MMOCR's ``CRNNDecoder`` has none).
        rec_pool_height (bool): Max-pool the word features over their
            height before the recogniser (``(K, C, 1, w)``: what a CTC
            decoder such as MMOCR's ``CRNNDecoder`` reads); the character
            branch keeps the 2-D features.
        char_head (dict, optional): :class:`CharSegHead` (its
            ``num_classes`` is set from the dictionary); None: no character
            branch.
        rec_neck (dict, optional): Layers on the word RoI features shared
            by both readers (:class:`RoIConvTower`, Mask TextSpotter's RoI
            convolutions before its readers); None: the readers take the
            RoI features as they are.
        det_roi_size (tuple): RoI grid of the score and mask heads.
        rec_roi_size (tuple): RoI grid of the recogniser and character
            branch ``(h, w)``, ``w`` along the word.
        feat_stride (int): Input pixels per feature pixel.
        max_train_proposals (int): Detection proposals used per image in
            training.
        pos_iou (float): IoU making a proposal positive.
        mask_thr (float): Instance mask binarisation at inference.
        char_shrink (float): Linear shrink of character boxes in the
            character targets.
        char_fg_thr (float): Foreground threshold of the read-back.
        read_gt (bool): At inference, also read the ground-truth words of
            samples that carry them (``gt_instances.read_texts``, scored by
            ``GTRecognitionMetric``), so that a recognition failure shows
            apart from a detection failure.
        bbox_coder (dict): Box refinement coding (``TASK_UTILS``).
        loss_score, loss_box, loss_mask, loss_char (dict): Losses
            (``MODELS``).
    """

    def __init__(self,
                 score_head: Dict,
                 mask_head: Dict,
                 rec_encoder: Optional[Dict],
                 rec_decoder: Dict,
                 char_head: Optional[Dict] = None,
                 rec_neck: Optional[Dict] = None,
                 rec_pool_height: bool = False,
                 det_roi_size: Tuple[int, int] = (16, 16),
                 rec_roi_size: Tuple[int, int] = (8, 32),
                 feat_stride: int = 4,
                 max_train_proposals: int = 32,
                 pos_iou: float = 0.5,
                 mask_thr: float = 0.5,
                 char_shrink: float = 0.5,
                 char_fg_thr: float = 0.5,
                 read_gt: bool = True,
                 bbox_coder: Dict = dict(
                     type='mmdet.DeltaXYWHBBoxCoder',
                     target_means=(0., 0., 0., 0.),
                     target_stds=(0.1, 0.1, 0.2, 0.2)),
                 loss_score: Dict = dict(
                     type='mmdet.CrossEntropyLoss', use_sigmoid=True),
                 loss_box: Dict = dict(type='mmdet.SmoothL1Loss', beta=1.0),
                 loss_mask: Dict = dict(
                     type='mmdet.CrossEntropyLoss', use_sigmoid=True),
                 loss_char: Dict = dict(
                     type='mmdet.CrossEntropyLoss', use_sigmoid=False),
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.score_head = MODELS.build(score_head)
        self.mask_head = MODELS.build(mask_head)
        self.rec_neck = None if rec_neck is None else MODELS.build(rec_neck)
        self.rec_encoder = None if rec_encoder is None else MODELS.build(
            rec_encoder)
        self.rec_pool_height = rec_pool_height
        self.rec_decoder = MODELS.build(rec_decoder)
        self.char_head = None
        if char_head is not None:
            self.char_head = MODELS.build(
                dict(char_head, num_classes=self.dictionary.num_classes + 1))
        self.det_roi_size = tuple(det_roi_size)
        self.rec_roi_size = tuple(rec_roi_size)
        self.feat_stride = feat_stride
        self.max_train_proposals = max_train_proposals
        self.pos_iou = pos_iou
        self.mask_thr = mask_thr
        self.char_shrink = char_shrink
        self.char_fg_thr = char_fg_thr
        self.read_gt = read_gt
        self.bbox_coder = TASK_UTILS.build(bbox_coder)
        self.loss_score = MODELS.build(loss_score)
        self.loss_box = MODELS.build(loss_box)
        self.loss_mask = MODELS.build(loss_mask)
        self.loss_char = MODELS.build(loss_char)

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        mine = [k for k in state_dict if k.startswith(prefix)]
        if mine and self.rec_neck is not None and not any(
                k.startswith(prefix + 'rec_neck.') for k in mine):
            raise OldSpotterCheckpointError(
                'This MTSSpotter checkpoint predates the readers\' RoI tower '
                f'({prefix}rec_neck.*) and Mask TextSpotter\'s 36 classes; '
                'its readers do not carry over: retrain it (docs/spotter.md, '
                '"Old checkpoints").')
        key = prefix + 'char_head.logits.weight'
        if self.char_head is not None and key in state_dict and \
                state_dict[key].shape[0] != self.char_head.num_classes:
            raise OldSpotterCheckpointError(
                f'This MTSSpotter checkpoint reads {state_dict[key].shape[0]}'
                f' character classes ({key}), this config '
                f'{self.char_head.num_classes} (background + dictionary): '
                'the dictionaries differ; use the checkpoint\'s dictionary '
                'or retrain.')
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    @property
    def dictionary(self):
        return self.rec_decoder.dictionary

    @property
    def char_map_size(self) -> Tuple[int, int]:
        return tuple(2 * s for s in self.rec_roi_size)

    def word_features(self, feats: torch.Tensor,
                      polys: Sequence[np.ndarray],
                      inds: Sequence[int]) -> torch.Tensor:
        """What both readers see of each word: its masked RoI along its
        own axis (``(K, C, h, w)``, ``rec_roi_size``) through ``rec_neck``.
        """
        feat = masked_word_features(feats, polys, inds, self.rec_roi_size,
                                    self.feat_stride)
        return feat if self.rec_neck is None else self.rec_neck(feat)

    def _encode(self, feat: torch.Tensor, samples: List
                ) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
        """The recogniser's input and its encoder's output (None without
        an encoder) from the word features ``(K, C, h, w)``."""
        if self.rec_pool_height:
            feat = feat.amax(2, keepdim=True)
        out_enc = None if self.rec_encoder is None else self.rec_encoder(
            feat, samples)
        return feat, out_enc

    # ---------------------------------------------------------- training
    def usable_text(self, text: str) -> bool:
        """Recognition targets: non-empty, not ``###``, and every character
        known to the dictionary unless it maps unknowns to ``<UKN>``."""
        if not text or text == '###':
            return False
        d = self.dictionary
        return d.unknown_idx is not None or all(
            c in d.dict for c in self.cased(text))

    def cased(self, text: str) -> str:
        """``text`` in the recogniser's letter case (its loss's
        ``letter_case``: a lower-case dictionary reads 'Word' as 'word')."""
        case = getattr(self.rec_decoder.module_loss, 'letter_case',
                       'unchanged')
        return text if case == 'unchanged' else getattr(text, case)()

    def _char_labels(self, text: str,
                     char_polys) -> Optional[List[int]]:
        """Classes of a word's character boxes, or None when the word has
        none or they do not match its characters (spaces excluded)."""
        if char_polys is None or not self.usable_text(text):
            return None
        chars = chars_of(text)
        if len(chars) != len(char_polys) or not chars:
            return None
        return [k + 1 for k in self.dictionary.str2idx(
            self.cased(''.join(chars)))]

    def _train_rois(self, data_samples: Sequence) -> Tuple[List, List, List,
                                                           List]:
        polys, inds, labels, targets = [], [], [], []
        for b, ds in enumerate(data_samples):
            inst = ds.gt_instances
            ignored = inst.ignored.cpu().numpy() if torch.is_tensor(
                inst.ignored) else np.asarray(inst.ignored)
            n = len(inst.polygons)
            texts = list(inst.get('texts', [''] * n))
            chars = list(inst.get('char_polygons', [None] * n))
            care = []
            for p, t, ign, c in zip(inst.polygons, texts, ignored, chars):
                p = np.asarray(p, np.float32)
                if ign or len(p) < 6 or t == '###' or cv2.contourArea(
                        p.reshape(-1, 2)) < 1:
                    continue
                lab = self._char_labels(t, c)
                care.append((p, t, None if lab is None else (c, lab)))
            for target in care:  # ground truth as proposals
                polys.append(target[0])
                inds.append(b)
                labels.append(1)
                targets.append(target)
            props = ds.pred_instances.polygons[:self.max_train_proposals] \
                if 'pred_instances' in ds else []
            if not len(props):
                continue
            shapes = polys2shapely([c[0] for c in care])
            for prop, prop_shape in zip(props, polys2shapely(props)):
                ious = [poly_iou(prop_shape, s) for s in shapes]
                best = int(np.argmax(ious)) if ious else -1
                pos = best >= 0 and ious[best] >= self.pos_iou
                polys.append(prop)
                inds.append(b)
                labels.append(int(pos))
                targets.append(care[best] if pos else None)
        return polys, inds, labels, targets

    def _keep_in_graph(self, module, like: torch.Tensor) -> torch.Tensor:
        """A zero that reaches every parameter of ``module`` (distributed
        training needs each parameter in the graph on every rank)."""
        return like.sum() * 0 + sum(p.sum() for p in module.parameters()) * 0

    def loss(self, feats: torch.Tensor,
             data_samples: Sequence) -> Dict[str, torch.Tensor]:
        """Losses of the RoI stage.

        Args:
            feats: Fused features ``(N, C, H/4, W/4)``.
            data_samples: With ``gt_instances`` and the detection head's
                proposals in ``pred_instances``.
        """
        polys, inds, labels, targets = self._train_rois(data_samples)
        losses = {}
        if not polys:  # no text and no proposal
            for k in ('loss_score', 'loss_box', 'loss_mask', 'loss_rec',
                      'loss_char'):
                losses[k] = self._keep_in_graph(self, feats)
            if self.char_head is None:
                del losses['loss_char']
            return losses
        det = masked_roi_features(feats, polys, inds, self.det_roi_size,
                                  self.feat_stride)
        y = torch.tensor(labels, dtype=torch.float32, device=feats.device)
        logits, deltas = self.score_head(det)
        losses['loss_score'] = self.loss_score(logits, y)
        pos = [i for i, lab in enumerate(labels) if lab]
        if pos:
            boxes = polygon_boxes([polys[i] for i in pos])
            gt_polys = [targets[i][0] for i in pos]
            losses['loss_box'] = self.loss_box(
                deltas[pos],
                self.bbox_coder.encode(
                    torch.from_numpy(boxes),
                    torch.from_numpy(polygon_boxes(gt_polys))).to(deltas))
            mask_size = tuple(2 * s for s in self.det_roi_size)
            gt_masks = torch.from_numpy(
                polygon_roi_masks(gt_polys, boxes, mask_size)).to(feats)
            losses['loss_mask'] = self.loss_mask(
                self.mask_head(det[pos]).flatten(1), gt_masks.flatten(1))
        else:
            losses['loss_box'] = deltas.sum() * 0
            losses['loss_mask'] = self._keep_in_graph(self.mask_head, feats)
        losses.update(self._reading_losses(feats, polys, inds, targets,
                                           pos))
        return losses

    def _reading_losses(self, feats, polys, inds, targets,
                        pos) -> Dict[str, torch.Tensor]:
        losses = {}
        rec = [i for i in pos if self.usable_text(targets[i][1])]
        chars = [i for i in rec if targets[i][2] is not None] \
            if self.char_head is not None else []
        if rec:
            feat = self.word_features(feats, [polys[i] for i in rec],
                                      [inds[i] for i in rec])
            samples = []
            for i in rec:
                s = TextRecogDataSample()
                s.gt_text = LabelData(item=targets[i][1])
                samples.append(s)
            feat_rec, out_enc = self._encode(feat, samples)
            # One loss whatever the decoder calls it (loss_ce, loss_ctc).
            losses['loss_rec'] = sum(self.rec_decoder.loss(
                feat_rec, out_enc, samples).values())
        else:
            losses['loss_rec'] = sum(
                self._keep_in_graph(m, feats)
                for m in (self.rec_neck, self.rec_encoder, self.rec_decoder)
                if m is not None)
        if self.char_head is None:
            return losses
        if chars:
            sel = [rec.index(i) for i in chars]
            logits = self.char_head(feat[sel])
            rois = word_axis_rois([polys[i] for i in chars])
            gt = torch.from_numpy(char_seg_targets(
                [targets[i][2][0] for i in chars],
                [targets[i][2][1] for i in chars], rois,
                self.char_map_size, self.char_shrink)).to(feats.device)
            weight = balance_weights(gt)
            losses['loss_char'] = self.loss_char(
                logits, gt.clamp(min=0), weight=weight,
                avg_factor=max(float((gt != IGNORE).sum()), 1.))
        else:
            losses['loss_char'] = self._keep_in_graph(self.char_head, feats)
        return losses

    # --------------------------------------------------------- inference
    def _mask_polygon(self, logits: np.ndarray, box: np.ndarray,
                      fallback: np.ndarray) -> np.ndarray:
        """The instance mask ``(h, w)`` in ``box`` as a flat polygon, input
        pixels. The mask's target marks the cells whose centre is inside the
        word, so the word's outline is the boundary of those cells (the
        contour through their centres, grown by half a cell), not the
        contour itself, which would lose half a cell on every side."""
        # sigmoid(logit) > thr  <=>  logit > logit(thr)
        cut = np.log(self.mask_thr / (1 - self.mask_thr))
        mask = (logits > cut).astype(np.uint8)
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL,
                                       cv2.CHAIN_APPROX_SIMPLE)
        if not contours:
            return fallback
        contour = max(contours, key=cv2.contourArea).reshape(-1, 2)
        cells = offset_outline(contour.astype(np.float64), 0.5,
                               closed_line=True)
        if cells is None:
            return fallback
        h, w = mask.shape
        x1, y1, x2, y2 = box
        # Cell u spans [u - .5, u + .5]: box fraction (u + .5) / w.
        pts = np.stack([x1 + (cells[:, 0] + 0.5) * (x2 - x1) / w,
                        y1 + (cells[:, 1] + 0.5) * (y2 - y1) / h], 1)
        # Simple polygons only (docs/evaluation.md); the
        # recogniser reads the same outline the detection reports.
        simple = repair_polygon(pts.reshape(-1).astype(np.float32))
        return fallback if simple is None else simple

    def roi_outputs(self, feats: torch.Tensor, polys: List[np.ndarray],
                    inds: List[int]) -> Tuple:
        """Score, mask polygon, text and text score of each proposal
        (flat polygons in input pixels, image indices), from the hard-masked
        RoI features of ``feats`` ``(N, C, H/4, W/4)``."""
        det = masked_roi_features(feats, polys, inds, self.det_roi_size,
                                  self.feat_stride)
        logits, deltas = self.score_head(det)
        scores = logits.sigmoid().detach().cpu().numpy()
        h, w = (s * self.feat_stride for s in feats.shape[-2:])
        boxes = self.bbox_coder.decode(
            torch.from_numpy(polygon_boxes(polys)),
            deltas.detach().float().cpu(), max_shape=(h, w)).numpy()
        boxes = np.clip(boxes, 0, [w - 1, h - 1, w, h]).astype(np.float32)
        boxes[:, 2:] = np.maximum(boxes[:, 2:], boxes[:, :2] + 1)
        refined = masked_roi_features(feats, polys, inds, self.det_roi_size,
                                      self.feat_stride, boxes)
        masks = self.mask_head(refined).detach().cpu().numpy()
        out_polys = [
            self._mask_polygon(m, bx, p)
            for m, bx, p in zip(masks, boxes, polys)
        ]
        texts, text_scores = self.read_words(feats, out_polys, inds)
        return scores, out_polys, texts, text_scores

    def _idx2char(self, cls: int) -> str:
        d = self.dictionary
        k = cls - 1
        if k in (d.start_idx, d.end_idx, d.padding_idx, d.unknown_idx):
            return ''
        return d.idx2str([k])

    def read_words(self, feats: torch.Tensor, polys: List[np.ndarray],
                   inds: List[int]) -> Tuple[List[str], List[float]]:
        """The reading and its mean character score of each polygon (flat,
        input pixels; image indices) of ``feats`` ``(N, C, H/4, W/4)``: the
        attention decoder's, or the character branch's where that scores
        higher."""
        if not len(polys):
            return [], []
        feat = self.word_features(feats, polys, inds)
        samples = [TextRecogDataSample() for _ in polys]
        feat_rec, out_enc = self._encode(feat, samples)
        rec = self.rec_decoder.predict(feat_rec, out_enc, samples)
        texts = [r.pred_text.item for r in rec]
        text_scores = [float(np.mean(r.pred_text.score))
                       if len(r.pred_text.item) else 0. for r in rec]
        if self.char_head is not None:
            probs = self.char_head(feat).softmax(1).detach().cpu().numpy()
            for i, p in enumerate(probs):
                text, score = decode_char_map(p, self._idx2char,
                                              self.char_fg_thr)
                if text and score > text_scores[i]:
                    texts[i], text_scores[i] = text, score
        return texts, text_scores

    def read_ground_truth(self, feats: torch.Tensor,
                          data_samples: Sequence) -> None:
        """Read every ground-truth word with a usable transcription (the
        recognition check apart from detection): its reading goes to
        ``gt_instances.read_texts`` (None for words not read: ignored,
        ``###``, characters the dictionary cannot read).

        Test pipelines load annotations after resizing (MMOCR's
        convention), so ground truth is in original pixels and is scaled by
        ``scale_factor`` to the input."""
        polys, inds, where = [], [], []
        with_gt = [
            'gt_instances' in ds and 'polygons' in ds.gt_instances
            for ds in data_samples
        ]
        for b, ds in enumerate(data_samples):
            if not with_gt[b]:  # inference on images without annotations
                continue
            inst = ds.gt_instances
            ignored = np.asarray(inst.get('ignored', [False] * len(inst)),
                                 bool).reshape(-1)
            texts = list(inst.get('texts', [''] * len(inst)))
            scale = np.asarray(ds.metainfo.get('scale_factor', (1., 1.)))
            for k, (poly, text) in enumerate(zip(inst.polygons, texts)):
                poly = np.asarray(poly, np.float32)
                if ignored[k] or not self.usable_text(text) or \
                        len(poly) < 6:
                    continue
                polys.append(rescale_polygons([poly], scale, mode='mul')[0])
                inds.append(b)
                where.append((b, k))
        read, _ = self.read_words(feats, polys, inds)
        reads = {bk: t for bk, t in zip(where, read)}
        for b, ds in enumerate(data_samples):
            if with_gt[b]:
                ds.gt_instances.read_texts = [
                    reads.get((b, k)) for k in range(len(ds.gt_instances))
                ]

    def predict(self, feats: torch.Tensor, data_samples: Sequence
                ) -> List[InstanceData]:
        """Per image: ``polygons`` (input pixels), ``scores``, ``texts``,
        ``text_scores`` of the detection head's proposals
        (``pred_instances``); reads the ground truth too with ``read_gt``.
        """
        if self.read_gt:
            self.read_ground_truth(feats, data_samples)
        polys, inds = [], []
        for b, ds in enumerate(data_samples):
            for p in ds.pred_instances.polygons:
                polys.append(p)
                inds.append(b)
        if polys:
            scores, out_polys, texts, text_scores = self.roi_outputs(
                feats, polys, inds)
        inds_np = np.asarray(inds)
        results = []
        for b in range(len(data_samples)):
            keep = np.nonzero(inds_np == b)[0] if polys else []
            results.append(InstanceData(
                polygons=[out_polys[i] for i in keep],
                scores=torch.as_tensor([float(scores[i]) for i in keep],
                                       dtype=torch.float32),
                texts=[texts[i] for i in keep],
                text_scores=torch.as_tensor(
                    [text_scores[i] for i in keep], dtype=torch.float32)))
        return results
