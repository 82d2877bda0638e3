# The twin of fcenet-oclip_synth.py: the same trunk, randomly initialised.
_base_ = ['fcenet-oclip_synth.py']
model = dict(
    backbone=dict(_base_.narrow_trunk, _delete_=True,
                  out_indices=(1, 2, 3)))
