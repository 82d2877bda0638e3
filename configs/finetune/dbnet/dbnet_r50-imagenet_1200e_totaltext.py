_base_ = [
    '_base_dbnet_r50_1200e_totaltext.py',
    '../_base_/trunks.py',
    '../_base_/evaluation.py',
]
_base_.model.backbone = _base_.imagenet_r50
_base_.model.data_preprocessor.update(_base_.imagenet_normalization)
# DetEval too (docs/evaluation.md).
val_evaluator = _base_.totaltext_det_evaluator
test_evaluator = val_evaluator
