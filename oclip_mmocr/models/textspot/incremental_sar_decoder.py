# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""MMOCR's ParallelSARDecoder with inference linear in the text length."""
import math
from typing import Optional, Sequence

import torch
import torch.nn.functional as F

from mmocr.models.textrecog.decoders import ParallelSARDecoder
from mmocr.registry import MODELS
from mmocr.structures import TextRecogDataSample


@MODELS.register_module()
class IncrementalSARDecoder(ParallelSARDecoder):
    """:class:`ParallelSARDecoder` whose greedy decoding keeps the RNN
    state.

    MMOCR's ``forward_test`` re-runs the decoder RNN and the 2D attention
    over all ``max_seq_len + 1`` positions at every step and keeps one
    output: ``max_seq_len`` times the work of one pass, quadratic in the
    length. The RNN is unidirectional and each position's attention reads
    only its own RNN output, so position ``i`` depends on the inputs up to
    ``i`` alone: feeding one token at a time with the carried state, the
    attention key map computed once, gives the same outputs (to float
    rounding) for one position's work per step. Training
    (``forward_train``, teacher forcing in one pass), parameters and
    checkpoint keys are MMOCR's.

    Args:
        **kwargs: See :class:`ParallelSARDecoder`; ``dec_bi_rnn`` must be
            False (a bidirectional RNN reads later positions).
    """

    def __init__(self, dec_bi_rnn: bool = False, **kwargs) -> None:
        if dec_bi_rnn:
            raise ValueError('IncrementalSARDecoder needs dec_bi_rnn=False: '
                             'a bidirectional decoder RNN has no '
                             'step-by-step form')
        super().__init__(dec_bi_rnn=dec_bi_rnn, **kwargs)

    def _attend(self, y: torch.Tensor, feat: torch.Tensor,
                attn_key: torch.Tensor, holistic: torch.Tensor,
                attn_mask: Optional[torch.Tensor]) -> torch.Tensor:
        """The 2D attention and prediction of one step.

        Args:
            y (Tensor): ``(N, 1, D_r)`` RNN output of the step.
            feat (Tensor): ``(N, D_m, H, W)`` feature map.
            attn_key (Tensor): ``(N, 1, d_k, H, W)`` from ``conv3x3_1``.
            holistic (Tensor): ``(N, 1, D_e)`` holistic feature.
            attn_mask (Tensor, optional): ``(N, 1, H, W, 1)``, True where
                the image is padding.

        Returns:
            Tensor: ``(N, 1, num_classes)`` logits.
        """
        n = y.size(0)
        query = self.conv1x1_1(y).view(n, 1, -1, 1, 1)
        weight = torch.tanh(attn_key + query).permute(0, 1, 3, 4, 2)
        weight = self.conv1x1_2(weight)  # N, 1, H, W, 1
        _, _, h, w, _ = weight.shape
        if attn_mask is not None:
            weight = weight.masked_fill(attn_mask, float('-inf'))
        weight = F.softmax(weight.view(n, 1, -1), dim=-1)
        weight = weight.view(n, 1, h, w, 1).permute(0, 1, 4, 2, 3)
        attn_feat = (feat.unsqueeze(1) * weight).sum((3, 4))
        if self.pred_concat:
            out = self.prediction(torch.cat((y, attn_feat, holistic), 2))
        else:
            out = self.prediction(attn_feat)
        return self.pred_dropout(out)

    def forward_test(
        self,
        feat: torch.Tensor,
        out_enc: torch.Tensor,
        data_samples: Optional[Sequence[TextRecogDataSample]] = None
    ) -> torch.Tensor:
        """
        Args:
            feat (Tensor): ``(N, D_m, H, W)``.
            out_enc (Tensor): ``(N, D_e)`` holistic feature.
            data_samples (list[TextRecogDataSample], optional): For
                ``valid_ratio``.

        Returns:
            Tensor: ``(N, max_seq_len, num_classes)`` character
            probabilities, as :meth:`ParallelSARDecoder.forward_test`.
        """
        n, _, h, w = feat.shape
        attn_mask = None
        if data_samples is not None and self.mask:
            attn_mask = torch.zeros(n, 1, h, w, 1, dtype=torch.bool,
                                    device=feat.device)
            for i, ds in enumerate(data_samples):
                valid = min(w, math.ceil(w * ds.get('valid_ratio', 1.0)))
                attn_mask[i, :, :, valid:] = True
        attn_key = self.conv3x3_1(feat).unsqueeze(1)
        holistic = out_enc.unsqueeze(1)
        # Position 0 is the holistic feature; its output is not a character.
        _, state = self.rnn_decoder(holistic)
        token = self.embedding(
            torch.full((n, ), self.start_idx, dtype=torch.long,
                       device=feat.device)).unsqueeze(1)
        outputs = []
        for _ in range(self.max_seq_len):
            y, state = self.rnn_decoder(token, state)
            logits = self._attend(y, feat, attn_key, holistic, attn_mask)
            outputs.append(logits[:, 0])
            token = self.embedding(logits[:, 0].argmax(dim=1)).unsqueeze(1)
        return self.softmax(torch.stack(outputs, 1))
