# The twin of dbnet-oclip_synth.py: the same trunk, randomly initialised.
_base_ = ['dbnet-oclip_synth.py']
model = dict(backbone=dict(init_cfg=None))
