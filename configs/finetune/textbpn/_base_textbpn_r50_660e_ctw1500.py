# TextBPN on CTW1500: the paper's recipe and test size (1024x640),
# text-region threshold 0.8 as released for CTW1500.
_base_ = [
    '_base_textbpn_r50_660e.py',
    'mmocr::textdet/_base_/datasets/ctw1500.py',
    '../_base_/evaluation.py',
]
_base_.ctw1500_textdet_train.pipeline = _base_.train_pipeline
_base_.ctw1500_textdet_test.pipeline = _base_.test_pipeline
train_dataloader = dict(dataset=_base_.ctw1500_textdet_train)
val_dataloader = dict(dataset=_base_.ctw1500_textdet_test)
test_dataloader = val_dataloader
# MMOCR's number next to the official protocol (_base_/evaluation.py).
val_evaluator = _base_.ctw1500_det_evaluator
test_evaluator = val_evaluator
