# TextBPN on Total-Text: the paper's recipe and test size (1024x640),
# text-region threshold 0.825 as released for Total-Text.
_base_ = [
    '_base_textbpn_r50_660e.py',
    'mmocr::textdet/_base_/datasets/totaltext.py',
    '../_base_/evaluation.py',
]
_base_.totaltext_textdet_train.pipeline = _base_.train_pipeline
_base_.totaltext_textdet_test.pipeline = _base_.test_pipeline
train_dataloader = dict(dataset=_base_.totaltext_textdet_train)
val_dataloader = dict(dataset=_base_.totaltext_textdet_test)
test_dataloader = val_dataloader
model = dict(det_head=dict(postprocessor=dict(cls_thr=0.825)))
# DetEval too (docs/evaluation.md).
val_evaluator = _base_.totaltext_det_evaluator
test_evaluator = val_evaluator
