# The twin of dbnet-oclip_synth.py: the same trunk, randomly initialised.
_base_ = ['dbnet-oclip_synth.py']
model = dict(backbone=dict(_base_.narrow_trunk, _delete_=True))
