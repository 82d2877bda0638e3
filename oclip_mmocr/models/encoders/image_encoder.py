# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from typing import Dict, Optional, Tuple, Union

import time

import torch
from mmengine.logging import print_log
from mmengine.model import BaseModule

from mmocr.registry import MODELS


@MODELS.register_module()
class OCLIPImageEncoder(BaseModule):
    """oCLIP's image encoder: a ``CLIPResNet`` trunk and attention pooling.

    Only the trunk is transferred to downstream detectors; its sub-module is
    named ``backbone`` so that exported keys are the trunk's own.

    Args:
        backbone (dict): Config of the trunk, normally
            ``dict(type='CLIPResNet', depth=50, out_indices=(3, ))``.
        attnpool (dict): Config of :class:`AttentionPool2d`.
        channels_last (bool | str): Run the trunk in channels-last memory
            format: faster convolutions with oneDNN (CPU) and cuDNN. On a
            GPU it costs nothing in accuracy (batch norm accumulates in
            float32 in both layouts; measured on an H100, 1.2x faster); on
            a CPU in training it is not the same numbers: the channels-last
            CPU batch norm accumulates batch statistics in float32 where the
            contiguous kernel uses float64 (docs/speed.md).
            ``'auto'`` (default): channels-last once the encoder is moved to
            a CUDA device (``model.to('cuda')``, which MMEngine does before
            wrapping it in DDP), contiguous on a CPU (compiled or not).
        compile (bool | dict): ``torch.compile`` the trunk in place (its
            state-dict keys are unchanged): batch norm and ReLU fused; a
            dict is passed as compile options (the R50 configs pass
            ``options=dict(layout_optimization=False)``: inductor's CPU
            layout optimisation runs the graph channels-last and moves the
            gradients further from float64, docs/speed.md). The first step then compiles (R50:
            about 40 s on 2 CPU cores, seconds with a warm inductor cache,
            see ``TORCHINDUCTOR_CACHE_DIR``); its duration is logged. Defaults to
            False.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 backbone: Dict,
                 attnpool: Dict,
                 channels_last: Union[bool, str] = 'auto',
                 compile: Union[bool, Dict] = False,
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.attnpool = MODELS.build(attnpool)
        if channels_last not in (True, False, 'auto'):
            raise ValueError(f"channels_last must be True, False or 'auto', "
                             f'got {channels_last!r}')
        self.channels_last_mode = channels_last
        self.compiled = bool(compile)
        self.channels_last = channels_last is True
        if self.channels_last:
            self.backbone.to(memory_format=torch.channels_last)
        self._first_call_logged = not self.compiled
        if compile:
            self.backbone.compile(
                **(compile if isinstance(compile, dict) else {}))

    def _apply(self, fn, *args, **kwargs):
        # 'auto': follow the device the weights move to (before DDP wraps
        # the model, so its gradient buckets match the layout).
        out = super()._apply(fn, *args, **kwargs)
        if self.channels_last_mode == 'auto':
            on_cuda = next(self.backbone.parameters()).is_cuda
            wanted = on_cuda
            if wanted != self.channels_last:
                self.channels_last = wanted
                fmt = torch.channels_last if wanted \
                    else torch.contiguous_format
                for t in (*self.backbone.parameters(),
                          *self.backbone.buffers()):
                    if t.dim() == 4:
                        t.data = t.data.contiguous(memory_format=fmt)
        return out

    def forward(self,
                images: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """
        Args:
            images (Tensor): ``(B, 3, H, W)`` normalised images.

        Returns:
            tuple(Tensor, Tensor):

            - ``(B, C_e)`` global image embedding,
            - ``(B, H/32 * W/32, C_e)`` spatial tokens, row-major.
        """
        if self.channels_last:
            images = images.contiguous(memory_format=torch.channels_last)
        if not self._first_call_logged:
            feats = self._timed_first_call(images)
        else:
            feats = self.backbone(images)[-1]
        if feats.requires_grad:
            # Flattening to tokens hands back a gradient whose strides are
            # channels-last; convolution and batch-norm backward of a
            # contiguous trunk are much slower on such mixed layouts, so give
            # the trunk its gradient in its own memory format.
            fmt = torch.channels_last if self.channels_last \
                else torch.contiguous_format
            feats.register_hook(lambda g: g.contiguous(memory_format=fmt))
        tokens = self.attnpool(feats)
        return tokens[:, 0], tokens[:, 1:]

    def _timed_first_call(self, images: torch.Tensor) -> torch.Tensor:
        # Compilation happens on the first call: say how long it took, so
        # that a slow first iteration is not mistaken for a hang or a slow
        # step.
        print_log('compiling the image trunk (torch.compile), first call '
                  '...', logger='current')
        start = time.perf_counter()
        feats = self.backbone(images)[-1]
        self._first_call_logged = True
        print_log(f'compiled the image trunk in '
                  f'{time.perf_counter() - start:.1f} s (forward; the '
                  'backward compiles in the first backward pass)',
                  logger='current')
        return feats
