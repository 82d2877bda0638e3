# Baseline twin of mts_r50-oclip_1e_synthtext.py: ImageNet trunk.
_base_ = ['_base_mts_r50_1e_synthtext.py']
_base_.model.backbone = _base_.imagenet_r50
_base_.model.data_preprocessor.update(_base_.imagenet_normalization)
