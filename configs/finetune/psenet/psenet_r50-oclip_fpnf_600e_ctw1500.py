# The oCLIP twin of psenet_r50-imagenet_fpnf_600e_ctw1500.py.
_base_ = ['_base_psenet_r50_fpnf_600e_ctw1500.py', '../_base_/trunks.py']
_base_.model.backbone = _base_.oclip_r50
_base_.model.data_preprocessor.update(_base_.oclip_input_normalization)
