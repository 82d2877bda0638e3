# PSENet R50 on ICDAR2015, both twins: MMOCR's recipe (Adam lr 1e-4, 600
# epochs, test scale 2240x2240, quadrilaterals).
# Reference: MMOCR configs/textdet/psenet/
# psenet_resnet50_fpnf_600e_icdar2015.py (its oCLIP row:
# psenet_resnet50-oclip_fpnf_600e_icdar2015.py, the same recipe).
_base_ = [
    'mmocr::textdet/psenet/psenet_resnet50_fpnf_600e_icdar2015.py',
    '../_base_/evaluation.py',
]
# Simple polygons only (docs/evaluation.md).
model = dict(det_head=dict(postprocessor=dict(type='ValidPSEPostprocessor')))
# Crash safety (docs/long_runs.md): atomic checkpoints, and a process-group
# timeout so surviving ranks stop when one dies. (An MMOCR recipe brings
# MMOCR's runtime, and MMEngine allows no second runtime base beside it.)
default_hooks = dict(checkpoint=dict(type='AtomicCheckpointHook'))
env_cfg = dict(dist_cfg=dict(timeout=1800))
# MMOCR's number next to the official protocol (_base_/evaluation.py).
val_evaluator = _base_.icdar2015_det_evaluator
test_evaluator = val_evaluator
