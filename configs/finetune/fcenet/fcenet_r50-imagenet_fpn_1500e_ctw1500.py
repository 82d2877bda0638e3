# The ImageNet twin of fcenet_r50-oclip_fpn_1500e_ctw1500.py.
_base_ = ['_base_fcenet_r50_fpn_1500e_ctw1500.py', '../_base_/trunks.py']
_base_.model.backbone = dict(_base_.imagenet_r50, out_indices=(1, 2, 3))
_base_.model.data_preprocessor.update(_base_.imagenet_normalization)
