# FCENet R50 on CTW1500, both twins: MMOCR's CTW1500 recipe (SGD lr 1e-3,
# 1500 epochs, test scale 1080x736, its level ranges and alpha/beta) without
# its DCNv2: the twins' trunks replace the backbone, DCN included.
_base_ = [
    'mmocr::textdet/fcenet/fcenet_resnet50-dcnv2_fpn_1500e_ctw1500.py',
    '../_base_/evaluation.py',
]
# Simple polygons only (docs/evaluation.md).
model = dict(det_head=dict(postprocessor=dict(type='ValidFCEPostprocessor')))
# Crash safety (docs/long_runs.md): atomic checkpoints, and a process-group
# timeout so surviving ranks stop when one dies. (An MMOCR recipe brings
# MMOCR's runtime, and MMEngine allows no second runtime base beside it.)
default_hooks = dict(checkpoint=dict(type='AtomicCheckpointHook'))
env_cfg = dict(dist_cfg=dict(timeout=1800))
# MMOCR's number next to the official protocol (_base_/evaluation.py).
val_evaluator = _base_.ctw1500_det_evaluator
test_evaluator = val_evaluator
