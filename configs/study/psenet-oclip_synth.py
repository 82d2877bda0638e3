# PSENet (MMOCR's R50 recipe) at study scale, from the pretrained narrow
# trunk. Twin: psenet-scratch_synth.py.
_base_ = [
    '../finetune/psenet/psenet_r50-oclip_fpnf_600e_icdar2015.py',
    '_base_/synthetic_study.py',
]
model = dict(
    backbone=dict(
        _base_.narrow_trunk,
        _delete_=True,
        init_cfg=_base_.study_oclip_init),
    # MMOCR's FPNF sizes its fusion layer for 256-channel levels whatever
    # the width; WidthFPNF is the same neck at 64 channels.
    neck=dict(type='WidthFPNF', in_channels=_base_.study_widths,
              out_channels=64),
    det_head=dict(
        in_channels=[64],
        hidden_dim=64,
        postprocessor=dict(text_repr_type=_base_.text_repr_type)))
# Data, schedule and runtime of the study (configs/study/_base_/).
train_dataloader = _base_.study_train_dataloader
val_dataloader = _base_.study_val_dataloader
test_dataloader = _base_.study_val_dataloader
val_evaluator = _base_.study_val_evaluator
test_evaluator = _base_.study_val_evaluator
optim_wrapper = _base_.study_optim_wrapper
train_cfg = _base_.study_train_cfg
param_scheduler = _base_.study_param_scheduler
default_hooks = _base_.study_default_hooks
randomness = _base_.study_randomness
auto_scale_lr = _base_.study_auto_scale_lr
