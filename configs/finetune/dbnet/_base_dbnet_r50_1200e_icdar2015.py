# DBNet R50 on ICDAR2015, both twins: MMOCR's R50 recipe (no DCN, SGD lr
# 0.002 with warm-up, 1200 epochs, test scale 4068x1024).
# Reference: MMOCR configs/textdet/dbnet/dbnet_resnet50_1200e_icdar2015.py
# (its oCLIP row, dbnet_resnet50-oclip_1200e_icdar2015.py, the same recipe).
_base_ = [
    'mmocr::textdet/dbnet/dbnet_resnet50_1200e_icdar2015.py',
    '../_base_/evaluation.py',
]
# Simple polygons only (docs/evaluation.md).
model = dict(det_head=dict(postprocessor=dict(type='ValidDBPostprocessor')))
# Crash safety (docs/long_runs.md): atomic checkpoints, and a process-group
# timeout so surviving ranks stop when one dies. (An MMOCR recipe brings
# MMOCR's runtime, and MMEngine allows no second runtime base beside it.)
default_hooks = dict(checkpoint=dict(type='AtomicCheckpointHook'))
env_cfg = dict(dist_cfg=dict(timeout=1800))
# MMOCR's number next to the official protocol (_base_/evaluation.py).
val_evaluator = _base_.icdar2015_det_evaluator
test_evaluator = val_evaluator
