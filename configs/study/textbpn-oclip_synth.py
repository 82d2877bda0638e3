# TextBPN (ours; released GCN and losses) at study scale, from the
# pretrained narrow trunk, maps at stride 4. Twin: textbpn-scratch_synth.py.
_base_ = [
    '../finetune/textbpn/textbpn_r50-oclip_660e_icdar2015.py',
    '_base_/synthetic_study.py',
]
model = dict(
    backbone=dict(
        _base_.narrow_trunk,
        _delete_=True,
        init_cfg=_base_.study_oclip_init),
    neck=dict(in_channels=tuple(_base_.study_widths),
              channels=(64, 32, 32, 32), out_stride=4),
    det_head=dict(stride=4))
# Data, schedule and runtime of the study (configs/study/_base_/).
train_dataloader = _base_.study_train_dataloader
val_dataloader = _base_.study_val_dataloader
test_dataloader = _base_.study_val_dataloader
val_evaluator = _base_.study_val_evaluator
test_evaluator = _base_.study_val_evaluator
optim_wrapper = _base_.study_optim_wrapper
# Twice the study's epochs (its budget note), the rate decaying in the last.
train_cfg = _base_.study_long_train_cfg
param_scheduler = _base_.study_long_param_scheduler
default_hooks = _base_.study_long_default_hooks
randomness = _base_.study_randomness
auto_scale_lr = _base_.study_auto_scale_lr
