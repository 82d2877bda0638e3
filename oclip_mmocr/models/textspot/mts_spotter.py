# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np
import torch
from mmengine.model import BaseModel
from mmengine.structures import InstanceData, LabelData

from mmocr.registry import MODELS, TASK_UTILS
from mmocr.structures import TextRecogDataSample, TextSpottingDataSample
from mmocr.utils import poly_iou, polys2shapely, rescale_polygons
from oclip_mmocr.utils.polygon_repair import (keep_simple_polygons,
                                              repair_polygon)
from .roi_masking import masked_roi_features, masked_word_features, \
    polygon_boxes, polygon_roi_masks
from .text_kernels import offset_outline


@MODELS.register_module()
class MTSSpotter(BaseModel):
    """A Mask-TextSpotter-v3-style end-to-end spotter (re-implemented from
    the paper; character segmentation is not used, see docs/spotter.md).

    Trunk + FPN -> :class:`SegmentationProposalNetwork` (fused 1/4 features,
    text probability map, polygon proposals) -> hard RoI masking
    (:func:`masked_roi_features`) -> three RoI heads on the masked
    features: :class:`BoxScoreHead` (text vs background and a refined box),
    an instance mask head (:class:`TextMaskHead`, whose contour is the output
    polygon) and an attention recogniser (MMOCR's SAR encoder and decoder
    with MMOCR's ``Dictionary``). At inference the mask head reads the
    refined boxes (still masked by the proposal polygon) and the recogniser
    reads each output polygon along its own axis (rotated RoIAlign over its
    minimum-area rectangle, hard-masked by the polygon), so rotated and
    steep words reach it upright; in training it reads the positive
    proposals the same way.

    Training proposals are the ground-truth polygons plus the SPN's own
    (detached), a proposal being positive when its IoU with a ground truth
    reaches ``pos_iou``; positives supervise the mask head and, when their
    transcription is usable, the recogniser.

    Args:
        backbone, neck, spn, score_head, mask_head (dict): Module configs.
        rec_encoder, rec_decoder (dict): MMOCR recognition encoder/decoder
            configs (the decoder holds the dictionary and the CE loss).
        det_roi_size (tuple): RoI grid of the score and mask heads.
        rec_roi_size (tuple): RoI grid of the recogniser (h, w), ``w``
            along the word.
        max_train_proposals (int): SPN proposals used per image in training.
        pos_iou (float): IoU making a proposal positive.
        mask_thr (float): Instance mask binarisation at inference.
        bbox_coder (dict): Box refinement coding (``TASK_UTILS``); MMDet's
            ``DeltaXYWHBBoxCoder`` with the two-stage detectors' stds.
        loss_score, loss_box, loss_mask (dict): Losses of the RoI heads
            (``MODELS``): MMDet's sigmoid cross-entropy, smooth L1, and
            per-pixel sigmoid cross-entropy.
        read_gt (bool): At inference, also read the ground-truth words of
            samples that carry them (:meth:`read_ground_truth`, scored by
            ``GTRecognitionMetric``), so that a recognition failure shows
            apart from a detection failure.
    """

    def __init__(self,
                 backbone: Dict,
                 neck: Dict,
                 spn: Dict,
                 score_head: Dict,
                 mask_head: Dict,
                 rec_encoder: Dict,
                 rec_decoder: Dict,
                 data_preprocessor: Optional[Dict] = None,
                 det_roi_size: Tuple[int, int] = (16, 16),
                 rec_roi_size: Tuple[int, int] = (8, 32),
                 max_train_proposals: int = 32,
                 pos_iou: float = 0.5,
                 mask_thr: float = 0.5,
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
                 init_cfg=None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.neck = MODELS.build(neck)
        self.spn = MODELS.build(spn)
        self.score_head = MODELS.build(score_head)
        self.mask_head = MODELS.build(mask_head)
        self.rec_encoder = MODELS.build(rec_encoder)
        self.rec_decoder = MODELS.build(rec_decoder)
        self.det_roi_size = tuple(det_roi_size)
        self.rec_roi_size = tuple(rec_roi_size)
        self.max_train_proposals = max_train_proposals
        self.pos_iou = pos_iou
        self.mask_thr = mask_thr
        self.read_gt = read_gt
        self.bbox_coder = TASK_UTILS.build(bbox_coder)
        self.loss_score = MODELS.build(loss_score)
        self.loss_box = MODELS.build(loss_box)
        self.loss_mask = MODELS.build(loss_mask)

    @property
    def dictionary(self):
        return self.rec_decoder.dictionary

    def extract_feat(self, inputs: torch.Tensor
                     ) -> Tuple[torch.Tensor, torch.Tensor]:
        """``(N, 3, H, W)`` -> fused features ``(N, C, H/4, W/4)`` and text
        probability ``(N, 1, H/4, W/4)``."""
        return self.spn(self.neck(self.backbone(inputs)))

    def forward(self, inputs: torch.Tensor, data_samples=None,
                mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        return self.extract_feat(inputs)

    # ---------------------------------------------------------- training
    def usable_text(self, text: str) -> bool:
        """Recognition targets: non-empty, not ``###``, and every character
        known to the dictionary unless it maps unknowns to ``<UKN>``."""
        if not text or text == '###':
            return False
        d = self.dictionary
        return d.unknown_idx is not None or all(c in d.dict for c in text)

    def _train_rois(self, data_samples: Sequence, spn_props: List
                    ) -> Tuple[List, List, List, List]:
        polys, inds, labels, targets = [], [], [], []
        for b, (ds, (props, _)) in enumerate(zip(data_samples, spn_props)):
            inst = ds.gt_instances
            ignored = inst.ignored.cpu().numpy() if torch.is_tensor(
                inst.ignored) else np.asarray(inst.ignored)
            texts = list(inst.get('texts', [''] * len(inst.polygons)))
            care = [(np.asarray(p, np.float32), t)
                    for p, t, ign in zip(inst.polygons, texts, ignored)
                    if not ign and len(p) >= 6 and t != '###'
                    and cv2.contourArea(
                        np.asarray(p, np.float32).reshape(-1, 2)) >= 1]
            for p, t in care:  # ground truth as proposals
                polys.append(p)
                inds.append(b)
                labels.append(1)
                targets.append((p, t))
            if not props:
                continue
            shapes = polys2shapely([c[0] for c in care])
            props = props[:self.max_train_proposals]
            for prop, prop_shape in zip(props, polys2shapely(props)):
                ious = [poly_iou(prop_shape, s) for s in shapes]
                best = int(np.argmax(ious)) if ious else -1
                pos = best >= 0 and ious[best] >= self.pos_iou
                polys.append(prop)
                inds.append(b)
                labels.append(int(pos))
                targets.append(care[best] if pos else None)
        return polys, inds, labels, targets

    def loss(self, inputs: torch.Tensor, data_samples: Sequence) -> Dict:
        feats, prob = self.extract_feat(inputs)
        losses = dict(loss_spn=self.spn.loss(prob, data_samples))
        polys, inds, labels, targets = self._train_rois(
            data_samples, self.spn.proposals(prob))
        zero = feats.sum() * 0
        if not polys:
            # No text and no proposal: keep every head in the graph.
            keep = zero + sum(p.sum() for p in self.parameters()) * 0
            for k in ('loss_score', 'loss_box', 'loss_mask', 'loss_rec'):
                losses[k] = keep
            return losses
        det = masked_roi_features(feats, polys, inds, self.det_roi_size,
                                  self.spn.stride)
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
            losses['loss_mask'] = zero + self.mask_head(det[:1]).sum() * 0
        rec = [i for i in pos if self.usable_text(targets[i][1])]
        if rec:
            feat = masked_word_features(feats, [polys[i] for i in rec],
                                        [inds[i] for i in rec],
                                        self.rec_roi_size, self.spn.stride)
            samples = []
            for i in rec:
                s = TextRecogDataSample()
                s.gt_text = LabelData(item=targets[i][1])
                samples.append(s)
            out_enc = self.rec_encoder(feat, samples)
            losses['loss_rec'] = self.rec_decoder.loss(
                feat, out_enc, samples)['loss_ce']
        else:
            losses['loss_rec'] = zero + sum(
                p.sum() for p in self.rec_decoder.parameters()) * 0
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
                                  self.spn.stride)
        logits, deltas = self.score_head(det)
        scores = logits.sigmoid().detach().cpu().numpy()
        h, w = (s * self.spn.stride for s in feats.shape[-2:])
        boxes = self.bbox_coder.decode(
            torch.from_numpy(polygon_boxes(polys)),
            deltas.detach().float().cpu(), max_shape=(h, w)).numpy()
        boxes = np.clip(boxes, 0, [w - 1, h - 1, w, h]).astype(np.float32)
        boxes[:, 2:] = np.maximum(boxes[:, 2:], boxes[:, :2] + 1)
        refined = masked_roi_features(feats, polys, inds, self.det_roi_size,
                                      self.spn.stride, boxes)
        masks = self.mask_head(refined).detach().cpu().numpy()
        out_polys = [
            self._mask_polygon(m, bx, p)
            for m, bx, p in zip(masks, boxes, polys)
        ]
        texts, text_scores = self.read_words(feats, out_polys, inds)
        return scores, out_polys, texts, text_scores

    def read_words(self, feats: torch.Tensor, polys: List[np.ndarray],
                   inds: List[int]) -> Tuple[List[str], List[float]]:
        """The recogniser's reading and mean character score of each
        polygon (flat, input pixels; image indices) of ``feats`` ``(N, C,
        H/4, W/4)``."""
        if not len(polys):
            return [], []
        feat = masked_word_features(feats, polys, inds, self.rec_roi_size,
                                    self.spn.stride)
        samples = [TextRecogDataSample() for _ in polys]
        out_enc = self.rec_encoder(feat, samples)
        rec = self.rec_decoder.predict(feat, out_enc, samples)
        texts = [r.pred_text.item for r in rec]
        text_scores = [float(np.mean(r.pred_text.score))
                       if len(r.pred_text.item) else 0. for r in rec]
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

    def predict(self, inputs: torch.Tensor,
                data_samples: Sequence) -> List[TextSpottingDataSample]:
        feats, prob = self.extract_feat(inputs)
        if self.read_gt:
            self.read_ground_truth(feats, data_samples)
        props = self.spn.proposals(prob)
        polys = [p for ps, _ in props for p in ps]
        inds = [b for b, (ps, _) in enumerate(props) for _ in ps]
        if polys:
            scores, out_polys, texts, text_scores = self.roi_outputs(
                feats, polys, inds)
        results = []
        inds_np = np.asarray(inds)
        for b, ds in enumerate(data_samples):
            out = TextSpottingDataSample(metainfo=ds.metainfo)
            if 'gt_instances' in ds:
                out.gt_instances = ds.gt_instances
            keep = np.nonzero(inds_np == b)[0] if polys else []
            kept = [out_polys[i] for i in keep]
            if kept and ds.metainfo.get('scale_factor') is not None:
                kept = rescale_polygons(kept, np.asarray(ds.scale_factor),
                                        mode='div')
            inst = keep_simple_polygons(InstanceData(
                polygons=list(kept),
                scores=torch.as_tensor(
                    [float(scores[i]) for i in keep], dtype=torch.float32),
                texts=[texts[i] for i in keep],
                text_scores=torch.as_tensor(
                    [text_scores[i] for i in keep], dtype=torch.float32)))
            # Boxes too: MMOCR's text-spotting visualizer draws them.
            inst.bboxes = torch.from_numpy(polygon_boxes(list(inst.polygons)))
            out.pred_instances = inst
            results.append(out)
        return results
