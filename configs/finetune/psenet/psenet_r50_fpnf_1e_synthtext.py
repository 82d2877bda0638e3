# SynthText detection pretraining for PSENet, the "SynthText pretraining"
# baseline of the paper's pretraining comparison: the detector (ImageNet
# trunk) trained on SynthText's word polygons, then finetuned by
# psenet_r50-synthtext_fpnf_600e_{totaltext,ctw1500}.py.
# Reference: whai362/PSENet config/psenet/psenet_r50_synth.py -- the
# Total-Text model and augmentation, SGD lr 1e-3 (train.py: momentum 0.99,
# weight decay 5e-4), one epoch over SynthText (the milestones at 200/400
# never fire: constant rate), batch 16.
_base_ = [
    '_base_psenet_r50_fpnf_600e_totaltext.py',
    'mmocr::textdet/_base_/datasets/synthtext.py',
    '../_base_/trunks.py',
]
_base_.model.backbone = _base_.imagenet_r50
_base_.model.data_preprocessor.update(_base_.imagenet_normalization)

_base_.synthtext_textdet_train.pipeline = _base_.train_pipeline
train_dataloader = dict(dataset=_base_.synthtext_textdet_train)
max_epochs = 1
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs + 1)
param_scheduler = [dict(type='ConstantLR', factor=1.0, end=max_epochs)]
# ~53k iterations in the epoch: keep an iteration checkpoint too.
default_hooks = dict(checkpoint=dict(interval=1))
custom_hooks = _base_.custom_hooks + [
    dict(type='AtomicCheckpointHook', by_epoch=False, interval=2000,
         max_keep_ckpts=2, save_last=False)
]
# No test split: SynthText is training data only.
val_dataloader = val_cfg = val_evaluator = None
test_dataloader = test_cfg = test_evaluator = None
