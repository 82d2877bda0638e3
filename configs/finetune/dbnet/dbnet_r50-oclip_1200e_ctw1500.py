_base_ = ['_base_dbnet_r50_1200e_ctw1500.py', '../_base_/trunks.py']
_base_.model.backbone = _base_.oclip_r50
_base_.model.data_preprocessor.update(_base_.oclip_input_normalization)
