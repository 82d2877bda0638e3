# DBNet on ICDAR19-LSVT (arbitrary-shaped Chinese text): the curved-text
# recipe, with the epochs cut so that the ~27k training images give about the
# iterations of 1200 ICDAR2015 epochs (~76k at batch 16).
# Reference: MMOCR configs/textdet/dbnet/
# dbnet_resnet50-oclip_1200e_icdar2015.py (optimisation) and
# dbnet_resnet18_fpnc_1200e_totaltext.py (curved text).
_base_ = [
    '_base_dbnet_r50_1200e_totaltext.py',
    '../_base_/datasets/lsvt.py',
]
_base_.lsvt_textdet_train.pipeline = _base_.train_pipeline
_base_.lsvt_textdet_test.pipeline = _base_.test_pipeline
train_dataloader = dict(dataset=_base_.lsvt_textdet_train)
val_dataloader = dict(dataset=_base_.lsvt_textdet_test)
test_dataloader = val_dataloader

max_epochs = 45
train_cfg = dict(max_epochs=max_epochs, val_interval=5)
default_hooks = dict(checkpoint=dict(interval=5))
# The R50 warm-up in iterations: 100 ICDAR2015 epochs at batch 16 are ~6.3k
# iterations, ~4 LSVT epochs.
param_scheduler = [
    dict(type='LinearLR', end=4, start_factor=0.001),
    dict(type='PolyLR', power=0.9, eta_min=1e-7, begin=4, end=max_epochs),
]
