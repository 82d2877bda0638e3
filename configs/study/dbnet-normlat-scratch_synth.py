# The twin of dbnet-normlat-oclip_synth.py: the same trunk, randomly
# initialised.
_base_ = ['dbnet-normlat-oclip_synth.py']
model = dict(backbone=dict(init_cfg=None))
