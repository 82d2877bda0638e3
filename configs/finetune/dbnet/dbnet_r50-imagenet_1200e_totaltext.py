_base_ = ['_base_dbnet_r50_1200e_totaltext.py', '../_base_/trunks.py']
_base_.model.backbone = _base_.imagenet_r50
_base_.model.data_preprocessor.update(_base_.imagenet_normalization)
# Total-Text's published numbers are DetEval (both settings TextBPN reports),
# next to MMOCR's IoU hmean (README, "Evaluation protocols").
val_evaluator = [
    dict(type='HmeanIOUMetric'),
    dict(type='DetEvalMetric', settings=[(0.7, 0.6), (0.8, 0.4)]),
]
test_evaluator = val_evaluator
