# The twin of psenet-oclip_synth.py: the same trunk, randomly initialised.
_base_ = ['psenet-oclip_synth.py']
model = dict(backbone=dict(init_cfg=None))
