# Baseline twin of dbnet_demo-oclip_synthetic.py: the same narrow trunk,
# randomly initialised (no ImageNet weights exist at this width).
_base_ = ['_base_dbnet_demo_synthetic.py']
_base_.model.backbone = _base_.narrow_trunk
