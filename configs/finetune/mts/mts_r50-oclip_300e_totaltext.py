_base_ = ['_base_mts_r50_300e_totaltext.py']
_base_.model.backbone = _base_.oclip_r50
_base_.model.data_preprocessor.update(_base_.oclip_input_normalization)
