# SynthText with the released code's behaviour (see _base_/released_code.py).
_base_ = ['oclip_r50_synthtext.py', '_base_/released_code.py']

model = _base_.released_model
train_dataloader = dict(dataset=dict(pipeline=_base_.released_pipeline))
