# FCENet R50 on Total-Text from the oCLIP trunk (recipe: the _base_).
_base_ = ['_base_fcenet_r50_fpn_1500e_totaltext.py', '../_base_/trunks.py']
_base_.model.backbone = dict(_base_.oclip_r50, out_indices=(1, 2, 3))
_base_.model.data_preprocessor.update(_base_.oclip_input_normalization)
