# TextBPN on ICDAR2015 (not in the paper): its recipe, images tested at
# their native 1280x720, rotated rectangles out as ICDAR2015 expects.
_base_ = [
    '_base_textbpn_r50_660e.py',
    'mmocr::textdet/_base_/datasets/icdar2015.py',
    '../_base_/evaluation.py',
]
test_pipeline_ic15 = [
    _base_.test_pipeline[0],
    dict(type='Resize', scale=(1280, 1280), keep_ratio=True),
] + _base_.test_pipeline[2:]
_base_.icdar2015_textdet_train.pipeline = _base_.train_pipeline
_base_.icdar2015_textdet_test.pipeline = test_pipeline_ic15
train_dataloader = dict(dataset=_base_.icdar2015_textdet_train)
val_dataloader = dict(dataset=_base_.icdar2015_textdet_test)
test_dataloader = val_dataloader
model = dict(det_head=dict(postprocessor=dict(text_repr_type='quad')))
# MMOCR's number next to the official protocol (_base_/evaluation.py).
val_evaluator = _base_.icdar2015_det_evaluator
test_evaluator = val_evaluator
