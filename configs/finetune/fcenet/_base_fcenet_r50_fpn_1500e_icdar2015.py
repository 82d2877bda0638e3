# FCENet R50 on ICDAR2015, both twins: the recipe of MMOCR's oCLIP row.
# Reference: MMOCR configs/textdet/fcenet/fcenet_resnet50-oclip_fpn_1500e_
# icdar2015.py (0.8604): its base fcenet_resnet50_fpn_1500e_icdar2015.py
# (SGD, 1500 epochs, test scale 2260x2260) with lr 5e-4 and batch 16.
# BN statistics frozen in both twins (_base_/trunks.py): MMOCR's oCLIP row
# freezes them (CLIPResNet's default norm_eval=True) while its ImageNet
# baseline trains them (norm_eval=False); one rule for both twins keeps the
# trunk the only difference.
_base_ = [
    'mmocr::textdet/fcenet/fcenet_resnet50_fpn_1500e_icdar2015.py',
    '../_base_/evaluation.py',
]
optim_wrapper = dict(optimizer=dict(lr=5e-4))
train_dataloader = dict(batch_size=16)
# Simple polygons only (docs/evaluation.md).
model = dict(det_head=dict(postprocessor=dict(type='ValidFCEPostprocessor')))
# Crash safety (docs/long_runs.md): atomic checkpoints, and a process-group
# timeout so surviving ranks stop when one dies. (An MMOCR recipe brings
# MMOCR's runtime, and MMEngine allows no second runtime base beside it.)
default_hooks = dict(checkpoint=dict(type='AtomicCheckpointHook'))
env_cfg = dict(dist_cfg=dict(timeout=1800))
# MMOCR's number next to the official protocol (_base_/evaluation.py).
val_evaluator = _base_.icdar2015_det_evaluator
test_evaluator = val_evaluator
