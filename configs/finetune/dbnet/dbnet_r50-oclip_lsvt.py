# From the trunk pretrained on LSVT weak labels
# (configs/pretrain/oclip_r50_lsvt.py).
_base_ = ['_base_dbnet_r50_lsvt.py', '../_base_/lsvt_backbone.py']
_base_.model.backbone = _base_.oclip_r50
_base_.model.data_preprocessor.update(_base_.oclip_input_normalization)
