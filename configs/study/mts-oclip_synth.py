# The Mask-TextSpotter-v3-style spotter at study scale (64 channels), from
# the pretrained narrow trunk; end-to-end and detection metrics. Twin:
# mts-scratch_synth.py. Profiles: synth_icdar2015, synth_totaltext.
_base_ = [
    '../finetune/mts/mts_r50-oclip_300e_icdar2015.py',
    '_base_/synthetic_study.py',
]
C = 64
model = dict(
    backbone=dict(
        _base_.narrow_trunk,
        _delete_=True,
        init_cfg=_base_.study_oclip_init),
    neck=dict(in_channels=_base_.study_widths, out_channels=C),
    spn=dict(in_channels=C, channels=C),
    score_head=dict(in_channels=C, channels=C),
    mask_head=dict(in_channels=C, channels=C),
    rec_encoder=dict(in_channels=C, d_model=C, d_enc=C),
    rec_decoder=dict(in_channels=C, d_model=C, d_enc=C, d_k=32,
                     max_seq_len=25))
# Data, schedule and runtime of the study (configs/study/_base_/).
train_dataloader = _base_.study_train_dataloader
val_dataloader = _base_.study_val_dataloader
test_dataloader = _base_.study_val_dataloader
optim_wrapper = _base_.study_optim_wrapper
train_cfg = _base_.study_train_cfg
param_scheduler = _base_.study_param_scheduler
default_hooks = _base_.study_default_hooks
randomness = _base_.study_randomness
auto_scale_lr = _base_.study_auto_scale_lr
val_evaluator = [
    dict(type='SpottingHmeanIOUMetric', protocol=_base_.e2e_protocol),
    dict(type='HmeanIOUMetric'),
] if _base_.study_test_root == 'none' else _base_.study_val_evaluator
test_evaluator = val_evaluator
