# The twin of mts-oclip_synth.py: the same trunk, randomly initialised (and
# its own first stage).
_base_ = ['mts-oclip_synth.py']
model = dict(backbone=dict(init_cfg=None))
load_from = None if _base_.spotter_stage1 == 'none' else \
    _base_.spotter_stage1 + '/mts-scratch_synth.pth'
