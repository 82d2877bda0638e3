# FCENet R50 on Total-Text, both twins. Reference: MMOCR configs/textdet/
# fcenet/fcenet_resnet50_fpn_1500e_totaltext.py (SGD lr 1e-3, batch 16, 1500
# epochs, test scale 1280x960; MMOCR has no oCLIP row here to take a rate
# from), emitting simple polygons (MMOCR's config inherits 'quad'
# from its base; curved words need polygons, as on CTW1500) and scored with
# DetEval too (docs/evaluation.md).
_base_ = [
    'mmocr::textdet/fcenet/fcenet_resnet50_fpn_1500e_totaltext.py',
    '../_base_/evaluation.py',
]
model = dict(
    det_head=dict(
        postprocessor=dict(
            type='ValidFCEPostprocessor', text_repr_type='poly')))
val_evaluator = _base_.totaltext_det_evaluator
test_evaluator = val_evaluator
# Crash safety (docs/long_runs.md): atomic checkpoints, and a process-group
# timeout so surviving ranks stop when one dies. (An MMOCR recipe brings
# MMOCR's runtime, and MMEngine allows no second runtime base beside it.)
default_hooks = dict(checkpoint=dict(type='AtomicCheckpointHook'))
env_cfg = dict(dist_cfg=dict(timeout=1800))
