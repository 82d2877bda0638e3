# PSENet R50 on CTW1500, both twins: MMOCR's recipe (Adam lr 1e-4, 600
# epochs, test scale 1280x1280, polygons).
# Reference: MMOCR configs/textdet/psenet/psenet_resnet50_fpnf_600e_ctw1500.py
# (trunk: _base_/trunks.py; MMOCR's exact baseline with its caffe-style
# SyncBN trunk: psenet_r50-imagenet-mmocr_fpnf_600e_ctw1500.py).
_base_ = [
    'mmocr::textdet/psenet/psenet_resnet50_fpnf_600e_ctw1500.py',
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
val_evaluator = _base_.ctw1500_det_evaluator
test_evaluator = val_evaluator
