# The twin of textbpn-oclip_synth.py: the same trunk, randomly initialised.
_base_ = ['textbpn-oclip_synth.py']
model = dict(backbone=dict(init_cfg=None))
