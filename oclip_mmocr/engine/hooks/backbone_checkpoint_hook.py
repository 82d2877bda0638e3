# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
import os
import os.path as osp
from typing import Optional

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmocr.registry import HOOKS

#: Values of the backbone variables that mean "randomly initialised trunk".
RANDOM_INIT = ('none', 'None', 'random', '')


def url_of(checkpoint: str) -> Optional[str]:
    """The download URL behind a ``torchvision://``/``http(s)://``
    checkpoint, or None for a local file."""
    if checkpoint.startswith('torchvision://'):
        from mmengine.runner.checkpoint import get_torchvision_models
        return get_torchvision_models()[checkpoint[len('torchvision://'):]]
    if checkpoint.startswith(('http://', 'https://')):
        return checkpoint
    return None


@HOOKS.register_module()
class BackboneCheckpointHook(Hook):
    """Check and apply the backbone variables of the finetune configs.

    The oCLIP twin's trunk comes from the top-level variable
    ``oclip_backbone`` (``StrictPretrained``), the ImageNet twin's from
    ``imagenet_backbone`` (MMEngine's ``Pretrained``, normally
    ``torchvision://resnet50``). In ``before_run``, just before MMEngine
    initialises the weights, this hook:

    - copies the variable's final value into the backbone's ``init_cfg``
      (our tools already substitute it while parsing, so the dumped config
      names it; MMOCR's ``tools/train.py`` merges ``--cfg-options`` later);
    - ``none``: leaves the trunk randomly initialised (offline, or a scratch
      baseline);
    - fails early, naming the file, when a local backbone file is missing,
      and in one line when a download is needed but impossible (offline);
    - skips the backbone when ``load_from``/``resume`` restores a whole
      model.
    """

    priority = 'VERY_HIGH'

    def before_run(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        backbone = getattr(model, 'backbone', None)
        init_cfg = getattr(backbone, 'init_cfg', None)
        if not isinstance(init_cfg, dict):
            return
        key = {'StrictPretrained': 'oclip_backbone',
               'Pretrained': 'imagenet_backbone'}.get(init_cfg.get('type'))
        if key is None or key not in runner.cfg:
            return
        value = str(runner.cfg.get(key))
        if init_cfg.get('checkpoint') != value:
            runner.logger.info(f'{key}={value} (model.backbone.init_cfg '
                               f'was {init_cfg.get("checkpoint")})')
            init_cfg['checkpoint'] = value
        if runner._load_from or runner._resume:
            # A full checkpoint overwrites the trunk right after weight init.
            runner.logger.info('load_from/resume set: backbone file not read')
            backbone.init_cfg = None
            return
        if value in RANDOM_INIT:
            runner.logger.info(f'{key}=none: the trunk is randomly '
                               'initialised')
            backbone.init_cfg = None
            return
        url = url_of(value)
        if url is None:
            if not osp.isfile(value):
                raise FileNotFoundError(
                    f'backbone file not found: {key}={value}. Pretrain first '
                    '(configs/pretrain/ writes backbone.pth into its work '
                    'directory), convert a released checkpoint '
                    '(tools/convert_official_checkpoint.py), pass '
                    f'--cfg-options {key}=PATH, or {key}=none for a randomly '
                    'initialised trunk')
            runner.logger.info(f'backbone: {value}')
            return
        self._fetch(runner, key, value, url)

    @staticmethod
    def _fetch(runner, key: str, value: str, url: str) -> None:
        """Download ``url`` into torch's hub cache now, so that being
        offline is one clear line, not a long traceback from deep in
        MMEngine's loader."""
        import torch
        cache = osp.join(torch.hub.get_dir(), 'checkpoints')
        target = osp.join(cache, osp.basename(url))
        if osp.isfile(target):
            runner.logger.info(f'backbone: {value} (cached: {target})')
            return
        runner.logger.info(f'backbone: downloading {value} from {url}')
        os.makedirs(cache, exist_ok=True)
        try:
            torch.hub.download_url_to_file(url, target, progress=False)
        except Exception as e:  # URLError, timeouts, HTTP errors...
            raise RuntimeError(
                f'could not download {key}={value} ({url}: '
                f'{type(e).__name__}: {e}). Offline? Put the file at '
                f'{target}, pass --cfg-options {key}=PATH to a local copy, '
                f'or {key}=none for a randomly initialised trunk') from None
