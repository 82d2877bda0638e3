# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Key mapping between the released oCLIP checkpoints and :class:`OCLIP`.

The released ``.pt`` files (bytedance/oclip) keep a DDP ``state_dict`` whose
layout is listed in ``shared/reference/*_state_dict_keys.tsv``. Every tensor
has a home in our model, so the mapping is a bijection; a key that no rule
matches is an error, never silently dropped.
"""
import re
from typing import Dict, List, Mapping, Optional, Tuple

import torch

_STEM = {'conv1': '0', 'bn1': '1', 'conv2': '3', 'bn2': '4',
         'conv3': '6', 'bn3': '7'}

# (official regex, ours) pairs, tried in order.
_TO_OURS: List[Tuple[str, str]] = [
    (r'^visual\.(conv[123]|bn[123])\.(.*)$', 'STEM'),
    (r'^visual\.(layer\d+\.\d+)\.downsample\.0\.(.*)$',
     r'image_encoder.backbone.\1.downsample.1.\2'),
    (r'^visual\.(layer\d+\.\d+)\.downsample\.1\.(.*)$',
     r'image_encoder.backbone.\1.downsample.2.\2'),
    (r'^visual\.(layer\d+\..*)$', r'image_encoder.backbone.\1'),
    (r'^visual\.attnpool\.(.*)$', r'image_encoder.attnpool.\1'),
    (r'^(token_embedding\..*|positional_embedding|transformer\..*|'
     r'ln_final\.(?:weight|bias)|text_projection)$', r'text_encoder.\1'),
    (r'^logit_scale$', 'loss_contrastive.logit_scale'),
    (r'^image_pos$', 'decoder.image_pos'),
    (r'^transformer_decoder\.(.*)$', r'decoder.\1'),
    (r'^ln_final_decoder\.(.*)$', r'decoder.ln_final.\1'),
    (r'^text_class\.(.*)$', r'decoder.classifier.\1'),
]
_STEM_BACK = {v: k for k, v in _STEM.items()}
_TO_OFFICIAL: List[Tuple[str, str]] = [
    (r'^image_encoder\.backbone\.stem\.(\d)\.(.*)$', 'STEM'),
    (r'^image_encoder\.backbone\.(layer\d+\.\d+)\.downsample\.1\.(.*)$',
     r'visual.\1.downsample.0.\2'),
    (r'^image_encoder\.backbone\.(layer\d+\.\d+)\.downsample\.2\.(.*)$',
     r'visual.\1.downsample.1.\2'),
    (r'^image_encoder\.backbone\.(layer\d+\..*)$', r'visual.\1'),
    (r'^image_encoder\.attnpool\.(.*)$', r'visual.attnpool.\1'),
    (r'^text_encoder\.(.*)$', r'\1'),
    (r'^loss_contrastive\.logit_scale$', 'logit_scale'),
    (r'^decoder\.image_pos$', 'image_pos'),
    (r'^decoder\.resblocks\.(.*)$', r'transformer_decoder.resblocks.\1'),
    (r'^decoder\.ln_final\.(.*)$', r'ln_final_decoder.\1'),
    (r'^decoder\.classifier\.(.*)$', r'text_class.\1'),
]


def _map_key(key: str, rules: List[Tuple[str, str]], to_ours: bool) -> str:
    for pattern, repl in rules:
        m = re.match(pattern, key)
        if not m:
            continue
        if repl != 'STEM':
            return m.expand(repl)
        if to_ours:
            return f'image_encoder.backbone.stem.{_STEM[m[1]]}.{m[2]}'
        if m[1] not in _STEM_BACK:
            break
        return f'visual.{_STEM_BACK[m[1]]}.{m[2]}'
    raise KeyError(key)


def _map(state: Mapping[str, torch.Tensor], rules, to_ours: bool,
         what: str) -> Dict[str, torch.Tensor]:
    out, unmapped = {}, []
    for key, value in state.items():
        try:
            out[_map_key(key, rules, to_ours)] = value
        except KeyError:
            unmapped.append(key)
    if unmapped:
        raise KeyError(f'{len(unmapped)} {what} keys have no mapping: '
                       f'{unmapped[:10]}')
    return out


def official_key_to_ours(key: str) -> str:
    """Map one released-checkpoint key (``module.`` already stripped)."""
    return _map_key(key, _TO_OURS, True)


def official_to_oclip(
        state: Mapping[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """Released-checkpoint tensors (``module.`` stripped) to :class:`OCLIP`
    keys; raises ``KeyError`` listing any key without a mapping."""
    return _map(state, _TO_OURS, True, 'official')


def oclip_to_official(
        state: Mapping[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """The inverse of :func:`official_to_oclip`."""
    return _map(state, _TO_OFFICIAL, False, 'oCLIP')


def infer_model_cfg(state: Mapping[str, torch.Tensor]) -> Dict:
    """Model hyper-parameters implied by a released ``state_dict``
    (``module.`` stripped), as overrides of ``configs/pretrain`` model
    configs."""
    blocks = [
        len({k.split('.')[2]
             for k in state if k.startswith(f'visual.layer{i}.')})
        for i in range(1, 5)
    ]
    depth = {(3, 4, 6, 3): 50, (3, 4, 23, 3): 101}.get(tuple(blocks))
    if depth is None:
        raise ValueError(f'unsupported ResNet stage blocks {blocks}')
    num_pos = state['visual.attnpool.positional_embedding'].shape[0]
    grid = int(round((num_pos - 1)**0.5))
    width = state['ln_final.weight'].shape[0]
    return dict(
        depth=depth,
        grid_size=grid,
        vocab_size=state['token_embedding.weight'].shape[0],
        text_width=width,
        text_layers=len({
            k.split('.')[2]
            for k in state if k.startswith('transformer.resblocks.')
        }),
        embed_dims=state['text_projection'].shape[1],
        decoder_layers=len({
            k.split('.')[2]
            for k in state if k.startswith('transformer_decoder.resblocks.')
        }),
        max_len=state['positional_embedding'].shape[0])


def build_model_cfg(hp: Dict, dict_file: Optional[str] = None) -> Dict:
    """An :class:`OCLIP` config matching a released checkpoint, in the
    released code's mode."""
    dictionary = dict(type='OCLIPDictionary', dict_file=dict_file,
                      max_len=hp['max_len'])
    return dict(
        type='OCLIP',
        dictionary=dictionary,
        text_pooling='all_slots',
        num_word_slots=32,
        image_encoder=dict(
            type='OCLIPImageEncoder',
            backbone=dict(type='CLIPResNet', depth=hp['depth'],
                          out_indices=(3, )),
            attnpool=dict(type='AttentionPool2d', grid_size=hp['grid_size'],
                          in_channels=2048, num_heads=32,
                          out_channels=hp['embed_dims'])),
        text_encoder=dict(type='CharTextEncoder', width=hp['text_width'],
                          num_layers=hp['text_layers'], num_heads=8,
                          embed_dims=hp['embed_dims']),
        decoder=dict(type='VisualTextualDecoder', grid_size=hp['grid_size'],
                     embed_dims=hp['embed_dims'],
                     num_layers=hp['decoder_layers'], num_heads=8),
        loss_contrastive=dict(type='BatchContrastiveLoss', halve=True,
                              max_logit_scale=None))
