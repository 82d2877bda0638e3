# The spotter's training: batch 8, SGD 0.01 with steps at 2/3 and 8/9 of 300
# epochs (_base_mts_r50.py), on the crash-safe runtime and MMOCR's
# text-spotting layout; the dataset files below choose the data.
_base_ = [
    '_base_mts_r50.py',
    '../_base_/default_runtime.py',
    '../_base_/loaders.py',
    '../_base_/trunks.py',
    '../_base_/datasets/textspotting.py',
    '../_base_/evaluation.py',
]
train_dataloader = dict(batch_size=8)
# ICDAR2015's official end to end, word spotting and detection, next to
# MMOCR's detection number (_base_/evaluation.py).
val_evaluator = _base_.icdar2015_e2e_evaluator + \
    _base_.icdar2015_det_evaluator
test_evaluator = val_evaluator

max_epochs = 300
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4),
    clip_grad=dict(max_norm=5))
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=20)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, end=500),
    dict(type='MultiStepLR', milestones=[200, 267], end=max_epochs),
]
default_hooks = dict(checkpoint=dict(interval=20, max_keep_ckpts=3))
visualizer = dict(type='TextSpottingLocalVisualizer', name='visualizer')
auto_scale_lr = dict(base_batch_size=8)
