# FCENet R50 on Total-Text from the oCLIP trunk: MMOCR's recipe (SGD lr 1e-3,
# 1500 epochs, test scale 1280x960).
_base_ = [
    'mmocr::textdet/fcenet/fcenet_resnet50_fpn_1500e_totaltext.py',
    '../_base_/trunks.py',
]
_base_.model.backbone = dict(_base_.oclip_r50, out_indices=(1, 2, 3))
_base_.model.data_preprocessor.update(_base_.clip_normalization)
# Simple polygons only (README, "Evaluation protocols").
_base_.model.det_head.postprocessor.type = 'ValidFCEPostprocessor'
# MMOCR's Total-Text config inherits 'quad' from its base: curved words
# need polygons (as on CTW1500).
_base_.model.det_head.postprocessor.text_repr_type = 'poly'
# Total-Text's published numbers are DetEval (both settings TextBPN reports),
# next to MMOCR's IoU hmean (README, "Evaluation protocols").
val_evaluator = [
    dict(type='HmeanIOUMetric'),
    dict(type='DetEvalMetric', settings=[(0.7, 0.6), (0.8, 0.4)]),
]
test_evaluator = val_evaluator
# Crash safety (README, "Long runs and failures"): atomic checkpoints, and a
# process-group timeout so surviving ranks stop when one dies.
default_hooks = dict(checkpoint=dict(type='AtomicCheckpointHook'))
env_cfg = dict(dist_cfg=dict(timeout=1800))
