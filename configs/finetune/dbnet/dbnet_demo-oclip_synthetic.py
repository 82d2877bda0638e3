# The demo's oCLIP DBNet: trunk from the demo pretraining.
_base_ = ['_base_dbnet_demo_synthetic.py']
_base_.model.backbone = dict(
    _base_.narrow_trunk,
    init_cfg=dict(type='StrictPretrained', checkpoint=_base_.oclip_backbone))
