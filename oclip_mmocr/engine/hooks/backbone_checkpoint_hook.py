# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
import os.path as osp
from typing import Optional

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmocr.registry import HOOKS


@HOOKS.register_module()
class BackboneCheckpointHook(Hook):
    """Point the backbone's ``StrictPretrained`` init at ``cfg.<key>``.

    The finetune configs keep the oCLIP backbone file in one top-level
    variable (``oclip_backbone``). MMEngine resolves such variables when the
    file is parsed, so ``--cfg-options oclip_backbone=...`` alone would not
    reach ``model.backbone.init_cfg``. This hook runs in ``before_run``, which
    MMEngine calls just before it initialises the weights, and copies the
    final value of the variable into the backbone's ``init_cfg``. It also
    fails early, naming the file, when that file does not exist, and skips
    the backbone file when ``load_from``/``resume`` restores a full model.

    Args:
        key (str): The config variable holding the backbone file.
    """

    priority = 'VERY_HIGH'

    def __init__(self, key: str = 'oclip_backbone') -> None:
        self.key = key

    def before_run(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        backbone = getattr(model, 'backbone', None)
        init_cfg = getattr(backbone, 'init_cfg', None)
        if not isinstance(init_cfg, dict) or \
                init_cfg.get('type') != 'StrictPretrained':
            return  # a baseline twin: nothing of ours to load
        path: Optional[str] = runner.cfg.get(self.key)
        if not path:
            raise ValueError(f'the config sets no {self.key!r} for the '
                             'StrictPretrained backbone')
        previous = init_cfg.get('checkpoint')
        if previous != path:
            runner.logger.warning(
                f'model.backbone.init_cfg.checkpoint={previous} replaced by '
                f'{self.key}={path}; set {self.key} to choose the backbone')
            init_cfg['checkpoint'] = path
        if runner._load_from or runner._resume:
            # A full checkpoint overwrites the trunk right after weight init;
            # do not require the backbone file for that.
            runner.logger.info('load_from/resume set: backbone file not read')
            backbone.init_cfg = None
            return
        if '://' not in path and not osp.isfile(path):
            raise FileNotFoundError(
                f'oCLIP backbone file not found: {path}. Pretrain first '
                '(configs/pretrain/, the run writes backbone.pth into its work '
                'directory), convert a released checkpoint '
                '(tools/convert_official_checkpoint.py), or pass '
                f'--cfg-options {self.key}=PATH')
        runner.logger.info(f'backbone will be loaded strictly from {path}')
