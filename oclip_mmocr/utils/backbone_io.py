# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Moving the pretrained trunk out of an oCLIP checkpoint, strictly."""
import os.path as osp
from collections import OrderedDict
from typing import Dict, List, Mapping, Optional, Union

import torch
import torch.nn as nn

from .checkpoint_check import check_finite, load_checked

#: Where the trunk lives inside :class:`OCLIP`.
BACKBONE_PREFIX = 'image_encoder.backbone.'


class BackboneKeyMismatchError(RuntimeError):
    """A backbone file does not match the backbone key for key."""

    def __init__(self, source: str, missing: List[str],
                 unexpected: List[str], mismatched: List[str],
                 hint: str = '') -> None:
        self.missing, self.unexpected = missing, unexpected
        self.mismatched = mismatched
        parts = [f'{source} (the file) does not match the model\'s backbone '
                 'strictly:']
        for name, keys in (('missing from the file', missing),
                           ('in the file but not in the model', unexpected),
                           ('shape mismatch, file vs model', mismatched)):
            if keys:
                shown = ', '.join(keys[:20])
                more = f' (+{len(keys) - 20} more)' if len(keys) > 20 else ''
                parts.append(f'  {len(keys)} {name}: {shown}{more}')
        if hint:
            parts.append(f'  likely cause: {hint}')
        super().__init__('\n'.join(parts))


def _width_hint(state: Mapping, expected: Mapping) -> str:
    """A trunk of another base width (the demo's 16 in an R50 config, say)
    or depth is the usual cause of a shape mismatch: say which."""
    key = 'stem.6.weight'  # the stem's last conv: base_channels outputs
    if key in state and key in expected:
        got, want = state[key].shape[0], expected[key].shape[0]
        if got != want:
            demo = (' (the demo trunk: use the *_demo-* configs, or pretrain '
                    'the R50 recipe)' if got == 16 else '')
            return (f'this file is a base-width-{got} CLIPResNet trunk'
                    f'{demo}; the model is base width {want}')
    layers = [k for k in state if k.startswith('layer3.')]
    if layers and not any(k.startswith('layer3.') for k in expected):
        return 'the model has no layer3: is it a CLIPResNet?'
    return ''


def load_checkpoint_file(path: str) -> Dict:
    """``torch.load`` with ``weights_only=True`` onto the CPU: a checkpoint
    from the internet must not be able to run code. A missing, truncated or
    code-needing file raises an error naming it (see
    :func:`~oclip_mmocr.utils.checkpoint_check.load_checked`)."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'checkpoint not found: {path}')
    return load_checked(path)


def unwrap_state_dict(ckpt: Mapping) -> Dict[str, torch.Tensor]:
    """The tensors of a checkpoint, whatever its wrapping: a runner checkpoint
    (``state_dict``), a DDP one (``module.`` prefix) or a bare dict."""
    state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, Mapping) \
        else ckpt
    if not isinstance(state, Mapping):
        raise TypeError(f'expected a state dict, got {type(state).__name__}')
    if state and all(k.startswith('module.') for k in state):
        state = {k[len('module.'):]: v for k, v in state.items()}
    return dict(state)


def extract_backbone(state: Mapping[str, torch.Tensor],
                     prefix: str = BACKBONE_PREFIX
                     ) -> 'OrderedDict[str, torch.Tensor]':
    """Keep the keys under ``prefix`` and strip it (tensors only)."""
    out = OrderedDict(
        (k[len(prefix):],
         v.detach().cpu().clone(memory_format=torch.contiguous_format))
        for k, v in state.items()
        if k.startswith(prefix) and torch.is_tensor(v))
    if not out:
        raise KeyError(f'no key starts with {prefix!r}; is this an oCLIP '
                       'checkpoint?')
    return out


def check_strict(module: nn.Module,
                 state: Mapping[str, torch.Tensor],
                 source: str = 'state dict') -> None:
    """Raise :class:`BackboneKeyMismatchError` unless ``state`` has exactly
    ``module``'s keys with the same shapes, and
    :class:`~oclip_mmocr.utils.checkpoint_check.NonFiniteTensorError` if any
    of its tensors holds NaN or inf."""
    expected = module.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    mismatched = sorted(
        f'{k} {tuple(state[k].shape)} vs {tuple(expected[k].shape)}'
        for k in set(expected) & set(state)
        if tuple(state[k].shape) != tuple(expected[k].shape))
    if missing or unexpected or mismatched:
        hint = _width_hint(state, expected) if mismatched else ''
        raise BackboneKeyMismatchError(source, missing, unexpected,
                                       mismatched, hint)
    check_finite(state.items(), source)


def load_backbone_strict(module: nn.Module,
                         checkpoint: Union[str, Mapping],
                         prefix: Optional[str] = None) -> None:
    """Load a backbone file (or a full checkpoint with ``prefix``) into
    ``module``, failing loudly on any key or shape difference.

    MMEngine's ``Pretrained`` initialiser only warns about such differences,
    which silently leaves a randomly initialised backbone.
    """
    source = checkpoint if isinstance(checkpoint, str) else 'state dict'
    ckpt = load_checkpoint_file(checkpoint) if isinstance(checkpoint,
                                                          str) else checkpoint
    state = unwrap_state_dict(ckpt)
    if prefix:
        state = extract_backbone(state, prefix)
    check_strict(module, state, source)
    module.load_state_dict(state, strict=True)
