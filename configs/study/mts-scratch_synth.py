# The twin of mts-oclip_synth.py: the same trunk, randomly initialised.
_base_ = ['mts-oclip_synth.py']
model = dict(backbone=dict(init_cfg=None))
