# DBNet (MMOCR's R50 recipe: head, losses, post-processor) at study scale,
# from the pretrained narrow trunk. Twin: dbnet-scratch_synth.py.
_base_ = [
    '../finetune/dbnet/dbnet_r50-oclip_1200e_icdar2015.py',
    '_base_/synthetic_study.py',
]
model = dict(
    backbone=dict(
        _base_.narrow_trunk,
        _delete_=True,
        init_cfg=_base_.study_oclip_init),
    neck=dict(in_channels=_base_.study_widths, lateral_channels=64,
              out_channels=16),
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
