# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
import os.path as osp
from typing import Dict

from mmengine.hooks import CheckpointHook, Hook
from mmengine.runner import EpochBasedTrainLoop

from mmocr.registry import HOOKS
from ...utils.atomic_io import atomic_save
from ...utils.backbone_io import BACKBONE_PREFIX, extract_backbone
from ...utils.checkpoint_check import check_finite


@HOOKS.register_module()
class ExportBackboneHook(Hook):
    """Write the trunk as ``backbone.pth`` beside every saved checkpoint.

    The file holds only tensors with ``CLIPResNet`` key names (no prefix),
    so a detector config can point ``init_cfg`` (or our strict loader) at
    ``<work_dir>/backbone.pth`` and chain pretraining into finetuning. It is
    replaced at each save, atomically (a kill or a full disk leaves the
    previous file); a trunk holding NaN or inf is never written.
    ``keep_all=True`` also keeps a copy per save (``backbone_epoch_N.pth`` /
    ``backbone_iter_N.pth``).

    Args:
        filename (str): Defaults to ``'backbone.pth'``.
        prefix (str): Where the trunk lives in the model's state dict.
        keep_all (bool): Keep one file per saved checkpoint as well.
    """

    priority = 'VERY_LOW'

    def __init__(self,
                 filename: str = 'backbone.pth',
                 prefix: str = BACKBONE_PREFIX,
                 keep_all: bool = False) -> None:
        self.filename = filename
        self.prefix = prefix
        self.keep_all = keep_all

    def _out_dir(self, runner) -> str:
        for hook in runner.hooks:
            if isinstance(hook, CheckpointHook) and isinstance(
                    hook.out_dir, str):
                return hook.out_dir
        return runner.work_dir

    def before_save_checkpoint(self, runner, checkpoint: Dict) -> None:
        # Runner.save_checkpoint is master-only, so is this.
        state = extract_backbone(checkpoint['state_dict'], self.prefix)
        check_finite(state.items(), 'the trunk to export')
        out_dir = self._out_dir(runner)
        path = osp.join(out_dir, self.filename)
        atomic_save(state, path)
        if self.keep_all:
            # Runner.save_checkpoint records the step being saved in meta.
            meta = checkpoint['meta']
            tag = f'epoch_{meta["epoch"]}' if isinstance(
                runner.train_loop, EpochBasedTrainLoop) else \
                f'iter_{meta["iter"]}'
            stem, ext = osp.splitext(self.filename)
            atomic_save(state, osp.join(out_dir, f'{stem}_{tag}{ext}'))
        runner.logger.info(f'exported {len(state)} backbone tensors to {path}')
