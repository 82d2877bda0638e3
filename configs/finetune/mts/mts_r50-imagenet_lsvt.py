# The ImageNet twin of mts_r50-oclip_lsvt.py.
_base_ = ['_base_mts_r50_lsvt.py']
_base_.model.backbone = _base_.imagenet_r50
_base_.model.data_preprocessor.update(_base_.imagenet_normalization)
