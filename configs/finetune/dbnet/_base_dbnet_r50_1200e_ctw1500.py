# MMOCR has no DBNet on CTW1500: the curved-text (Total-Text) recipe above on
# MMOCR's CTW1500 dataset files.
# Reference: MMOCR configs/textdet/dbnet/
# dbnet_resnet50-oclip_1200e_icdar2015.py (optimisation) and
# dbnet_resnet18_fpnc_1200e_totaltext.py (curved text).
_base_ = [
    '_base_dbnet_r50_1200e_totaltext.py',
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
