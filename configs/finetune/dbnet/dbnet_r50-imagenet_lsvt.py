# Baseline twin of dbnet_r50-oclip_lsvt.py: ImageNet trunk.
_base_ = ['_base_dbnet_r50_lsvt.py', '../_base_/lsvt_backbone.py']
_base_.model.backbone = _base_.imagenet_r50
_base_.model.data_preprocessor.update(_base_.imagenet_normalization)
