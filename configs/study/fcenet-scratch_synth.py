# The twin of fcenet-oclip_synth.py: the same trunk, randomly initialised.
_base_ = ['fcenet-oclip_synth.py']
model = dict(backbone=dict(init_cfg=None))
