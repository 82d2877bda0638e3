# TextBPN's training: batch 12, Adam 1e-3 x0.9 every 100 epochs for 660
# epochs (_base_textbpn_r50.py says where each value comes from), on the
# crash-safe runtime; the dataset files below add the data.
_base_ = [
    '_base_textbpn_r50.py',
    '../_base_/default_runtime.py',
    '../_base_/loaders.py',
    '../_base_/trunks.py',
]
train_dataloader = dict(batch_size=12)

max_epochs = 660
optim_wrapper = dict(
    type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-3))
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=20)
param_scheduler = [
    dict(type='StepLR', step_size=100, gamma=0.9, end=max_epochs)
]
default_hooks = dict(checkpoint=dict(interval=20, max_keep_ckpts=3))
auto_scale_lr = dict(base_batch_size=12)
