# The ImageNet twin of dbnet_r50-oclip_1200e_icdar2015.py.
_base_ = ['_base_dbnet_r50_1200e_icdar2015.py', '../_base_/trunks.py']
_base_.model.backbone = _base_.imagenet_r50
_base_.model.data_preprocessor.update(_base_.imagenet_normalization)
