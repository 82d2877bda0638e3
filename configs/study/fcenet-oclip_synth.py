# FCENet (MMOCR's R50 recipe; it reads stages 2-4) at study scale, from the
# pretrained narrow trunk. Twin: fcenet-scratch_synth.py.
_base_ = [
    '../finetune/fcenet/fcenet_r50-oclip_fpn_1500e_icdar2015.py',
    '_base_/synthetic_study.py',
]
model = dict(
    backbone=dict(
        _base_.narrow_trunk,
        _delete_=True,
        out_indices=(1, 2, 3),
        init_cfg=_base_.study_oclip_init),
    neck=dict(in_channels=_base_.study_widths[1:], out_channels=64),
    det_head=dict(
        in_channels=64,
        postprocessor=dict(text_repr_type=_base_.text_repr_type)))
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
