_base_ = [
    '_base_dbnet_r50_1200e_totaltext.py',
    '../_base_/trunks.py',
    '../_base_/evaluation.py',
]
_base_.model.backbone = _base_.oclip_r50
_base_.model.data_preprocessor.update(_base_.oclip_input_normalization)
# DetEval too (docs/evaluation.md).
val_evaluator = _base_.totaltext_det_evaluator
test_evaluator = val_evaluator
