# PSENet on ICDAR19-LSVT: MMOCR's curved-text (CTW1500) recipe, epochs cut so
# that ~27k images give about the iterations of its 600 epochs (~38k at
# batch 16), milestones kept at 1/3 and 2/3.
# Reference: MMOCR configs/textdet/psenet/psenet_resnet50_fpnf_600e_ctw1500.py
_base_ = [
    '_base_psenet_r50_fpnf_600e_ctw1500.py',
    '../_base_/datasets/lsvt.py',
]
_base_.lsvt_textdet_train.pipeline = _base_.train_pipeline
_base_.lsvt_textdet_test.pipeline = _base_.test_pipeline_ctw
train_dataloader = dict(dataset=_base_.lsvt_textdet_train)
val_dataloader = dict(dataset=_base_.lsvt_textdet_test)
test_dataloader = val_dataloader

max_epochs = 24
train_cfg = dict(max_epochs=max_epochs, val_interval=4)
default_hooks = dict(checkpoint=dict(interval=4))
param_scheduler = [
    dict(type='MultiStepLR', milestones=[8, 16], end=max_epochs),
]
# LSVT has no official detection script we compare with: MMOCR's metric only
# (not the CTW1500 protocol of the recipe this is built on).
val_evaluator = [dict(type='HmeanIOUMetric')]
test_evaluator = val_evaluator
