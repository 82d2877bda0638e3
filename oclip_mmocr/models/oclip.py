# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from typing import Dict, List, Optional, Tuple, Union

import torch
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement

from mmocr.registry import MODELS, TASK_UTILS
from .char_dictionary import OCLIPDictionary

SampleList = List[BaseDataElement]


@MODELS.register_module()
class OCLIP(BaseModel):
    """oCLIP: weakly supervised vision-language pretraining for scene text.

    An image encoder gives a global embedding and spatial tokens; a
    character-aware text encoder embeds each (masked) word of the image; the
    image-level text embedding is the mean of the word embeddings; a batch
    contrastive loss aligns image and text embeddings, and a visual-textual
    decoder predicts each word's masked character from the image tokens.

    Data samples (from :class:`PackOCLIPInputs`) carry ``gt_tokens``
    ``(n, L)`` masked character ids, ``gt_chars`` ``(n,)`` the ids of the
    masked characters and ``words`` the ``n`` original words.

    Args:
        image_encoder (dict): Config of :class:`OCLIPImageEncoder`.
        text_encoder (dict): Config of :class:`CharTextEncoder`
            (``vocab_size``/``end_id``/``max_len`` come from ``dictionary``)
            or :class:`WordTextEncoder` (CLIP's BPE ids, the "-CAE"
            ablation; the pipeline then needs :class:`BPETokenizeWords`).
        decoder (dict, optional): Config of :class:`VisualTextualDecoder`
            (``num_classes`` comes from ``dictionary``). None removes the
            decoder and the masked-character loss (the paper's ablation).
        loss_char (dict, optional): Config of :class:`MaskedCharLoss`.
        loss_contrastive (dict, optional): Config of
            :class:`BatchContrastiveLoss`. None removes the contrastive loss
            (the paper's other ablation); the module is still built in
            predict-only form so that retrieval can be evaluated.
        dictionary (dict): Config of :class:`OCLIPDictionary`.
        text_pooling (str): How the image-level text embedding is made:
            ``'words'`` (paper, default) averages the image's real words;
            ``'all_slots'`` (released code) averages all ``num_word_slots``
            slots, empty ones included.
        num_word_slots (int, optional): Pad every image to this many word
            slots (the released code uses 32). None pads to the largest word
            count in the batch. Required for ``'all_slots'``.
        data_preprocessor (dict, optional): Defaults to
            :class:`OCLIPDataPreprocessor`.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 image_encoder: Dict,
                 text_encoder: Dict,
                 decoder: Optional[Dict] = None,
                 loss_char: Optional[Dict] = dict(type='MaskedCharLoss'),
                 loss_contrastive: Optional[Dict] = dict(
                     type='BatchContrastiveLoss'),
                 dictionary: Union[Dict, OCLIPDictionary] = dict(
                     type='OCLIPDictionary'),
                 text_pooling: str = 'words',
                 num_word_slots: Optional[int] = None,
                 data_preprocessor: Optional[Dict] = dict(
                     type='OCLIPDataPreprocessor'),
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if text_pooling not in ('words', 'all_slots'):
            raise ValueError("text_pooling must be 'words' or 'all_slots', "
                             f'got {text_pooling!r}')
        if text_pooling == 'all_slots' and not num_word_slots:
            raise ValueError("text_pooling='all_slots' needs num_word_slots")
        self.dictionary = dictionary if isinstance(
            dictionary, OCLIPDictionary) else TASK_UTILS.build(dictionary)
        self.text_pooling = text_pooling
        self.num_word_slots = num_word_slots

        self.image_encoder = MODELS.build(image_encoder)
        encoder_cls = text_encoder['type']
        if isinstance(encoder_cls, str):
            encoder_cls = MODELS.get(encoder_cls)
        if getattr(encoder_cls, 'uses_char_dictionary', True):
            text_encoder = dict(
                text_encoder,
                vocab_size=self.dictionary.num_classes,
                end_id=self.dictionary.end_id,
                max_len=self.dictionary.max_len)
        self.text_encoder = MODELS.build(text_encoder)
        self.decoder = None
        if decoder is not None:
            self.decoder = MODELS.build(
                dict(decoder, num_classes=self.dictionary.num_classes))
            if loss_char is None:
                raise ValueError('a decoder needs loss_char')
            self.loss_char = MODELS.build(loss_char)
        self.use_contrastive = loss_contrastive is not None
        # Built even when unused as a loss: it owns the temperature and the
        # similarity used by predict().
        self.loss_contrastive = MODELS.build(
            loss_contrastive or dict(type='BatchContrastiveLoss'))
        if not self.use_contrastive:
            self.loss_contrastive.logit_scale.requires_grad_(False)
        if self.decoder is None and not self.use_contrastive:
            raise ValueError('oCLIP needs at least one of the decoder and the '
                             'contrastive loss')

    # ------------------------------------------------------------------
    def _stack_words(
        self, data_samples: SampleList, device: torch.device
    ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Pad the per-image words into word slots.

        Returns:
            tuple(Tensor, Tensor, Tensor): ``(B, S, L)`` masked tokens,
            ``(B, S)`` masked-character targets and ``(B, S)`` validity.
        """
        counts = [len(ds.gt_tokens) for ds in data_samples]
        if min(counts) == 0:
            bad = [ds.metainfo.get('img_path') for ds in data_samples
                   if len(ds.gt_tokens) == 0]
            raise ValueError(f'images without any usable word reached the '
                             f'model: {bad}; the dataset should have dropped '
                             'them')
        slots = self.num_word_slots or max(counts)
        if max(counts) > slots:
            raise ValueError(f'an image has {max(counts)} words but the model'
                             f' has {slots} word slots; lower max_words in the'
                             ' data pipeline')
        # Character slots, or BPE token slots for a word-level encoder.
        b, length = len(data_samples), self.text_encoder.max_len
        tokens = torch.zeros(b, slots, length, dtype=torch.long, device=device)
        targets = torch.zeros(b, slots, dtype=torch.long, device=device)
        valid = torch.zeros(b, slots, dtype=torch.bool, device=device)
        for i, ds in enumerate(data_samples):
            n = counts[i]
            if ds.gt_tokens.shape[-1] != length:
                raise ValueError(
                    f'{ds.metainfo.get("img_path")}: words come with '
                    f'{ds.gt_tokens.shape[-1]} token slots but the text '
                    f'encoder ({type(self.text_encoder).__name__}) has '
                    f'{length}; BPETokenizeWords goes with WordTextEncoder '
                    'and the same context length')
            tokens[i, :n] = ds.gt_tokens.to(device)
            if 'gt_chars' in ds:
                targets[i, :n] = ds.gt_chars.to(device)
            valid[i, :n] = True
        return tokens, targets, valid

    def _encode_words(self, tokens: torch.Tensor,
                      valid: torch.Tensor) -> Tuple[torch.Tensor,
                                                    torch.Tensor]:
        """Encode word slots and pool them into one text embedding per image.

        Returns:
            tuple(Tensor, Tensor): ``(B, S, C)`` word embeddings (zeros in
            empty slots in ``'words'`` mode) and ``(B, C)`` text embeddings.
        """
        b, s, length = tokens.shape
        if self.text_pooling == 'all_slots':
            words = self.text_encoder(tokens.view(b * s, length)).view(b, s, -1)
            return words, words.mean(dim=1)
        embeds = self.text_encoder(tokens[valid])
        words = embeds.new_zeros(b, s, embeds.shape[-1])
        words[valid] = embeds
        counts = valid.sum(dim=1, keepdim=True).clamp(min=1)
        return words, words.sum(dim=1) / counts.to(words.dtype)

    def _forward_all(self, inputs: torch.Tensor, data_samples: SampleList,
                     return_attention: bool = False) -> Dict:
        image_embeds, image_tokens = self.image_encoder(inputs)
        tokens, targets, valid = self._stack_words(data_samples, inputs.device)
        word_embeds, text_embeds = self._encode_words(tokens, valid)
        out = dict(
            image_embeds=image_embeds,
            text_embeds=text_embeds,
            targets=targets,
            valid=valid)
        if self.decoder is not None:
            grid_hw = (inputs.shape[-2] // 32, inputs.shape[-1] // 32)
            logits, attn = self.decoder(
                word_embeds, image_tokens, grid_hw,
                return_attention=return_attention)
            out.update(char_logits=logits, attn_maps=attn)
        return out

    # ------------------------------------------------------------------
    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[SampleList] = None,
                mode: str = 'tensor'):
        """``mode='loss'`` returns a dict of losses, ``'predict'`` a list of
        data samples, ``'tensor'`` the raw ``(image_embeds, text_embeds,
        char_logits)``."""
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            out = self._forward_all(inputs, data_samples)
            return out['image_embeds'], out['text_embeds'], out.get(
                'char_logits')
        raise RuntimeError(f'Invalid mode "{mode}"')

    def loss(self, inputs: torch.Tensor,
             data_samples: SampleList) -> Dict[str, torch.Tensor]:
        """
        Args:
            inputs (Tensor): ``(B, 3, H, W)`` normalised images.
            data_samples (list[BaseDataElement]): See the class docstring.

        Returns:
            dict: ``loss_char`` and/or ``loss_contrastive``, plus
            ``char_acc`` (accuracy of the masked-character predictions,
            logged but not optimised).
        """
        out = self._forward_all(inputs, data_samples)
        losses = {}
        if self.use_contrastive:
            losses['loss_contrastive'] = self.loss_contrastive(
                out['image_embeds'], out['text_embeds'])
        if self.decoder is not None:
            valid = out['valid']
            losses['loss_char'] = self.loss_char(out['char_logits'],
                                                 out['targets'], valid)
            with torch.no_grad():
                pred = out['char_logits'].argmax(-1)
                losses['char_acc'] = (pred[valid] == out['targets'][valid]
                                      ).float().mean()
        return losses

    @torch.no_grad()
    def predict(self, inputs: torch.Tensor,
                data_samples: SampleList) -> SampleList:
        """Predict every word's masked character.

        Each returned sample gains ``pred_chars`` (list of ``n`` strings),
        ``pred_char_ids`` ``(n,)``, ``pred_scores`` ``(n,)``,
        ``attn_maps`` ``(n, H/32, W/32)`` (last decoder layer, averaged over
        heads), and ``image_embed`` / ``text_embed`` ``(C,)``
        L2-normalised, for retrieval.
        """
        out = self._forward_all(inputs, data_samples, return_attention=True)
        image_embeds = torch.nn.functional.normalize(
            out['image_embeds'].float(), dim=-1)
        text_embeds = torch.nn.functional.normalize(
            out['text_embeds'].float(), dim=-1)
        for i, ds in enumerate(data_samples):
            n = int(out['valid'][i].sum())
            ds.image_embed = image_embeds[i]
            ds.text_embed = text_embeds[i]
            if self.decoder is not None:
                probs = out['char_logits'][i, :n].float().softmax(-1)
                scores, ids = probs.max(-1)
                ds.pred_char_ids = ids
                ds.pred_scores = scores
                ds.pred_chars = [
                    self.dictionary.decode_char(int(c)) for c in ids
                ]
                ds.attn_maps = out['attn_maps'][i, :n].float()
        return data_samples
