# MMOCR has no PSENet on Total-Text: its CTW1500 recipe (curved text, test
# scale 1280x1280) on MMOCR's Total-Text dataset files, with the invalid-
# polygon repair MMOCR applies to Total-Text ground truth at test time.
_base_ = [
    '_base_psenet_r50_fpnf_600e_ctw1500.py',
    'mmocr::textdet/_base_/datasets/totaltext.py',
]
test_pipeline_totaltext = _base_.test_pipeline_ctw[:3] + [
    dict(type='FixInvalidPolygon')
] + _base_.test_pipeline_ctw[3:]
_base_.totaltext_textdet_train.pipeline = _base_.train_pipeline
_base_.totaltext_textdet_test.pipeline = test_pipeline_totaltext
train_dataloader = dict(dataset=_base_.totaltext_textdet_train)
val_dataloader = dict(dataset=_base_.totaltext_textdet_test)
test_dataloader = val_dataloader
# DetEval too (docs/evaluation.md).
val_evaluator = _base_.totaltext_det_evaluator
test_evaluator = val_evaluator
