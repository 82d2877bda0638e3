# The oCLIP twin of mts_r50-imagenet_lsvt.py (trunk pretrained on LSVT's
# weak labels: _base_mts_r50_lsvt.py).
_base_ = ['_base_mts_r50_lsvt.py']
_base_.model.backbone = _base_.oclip_r50
_base_.model.data_preprocessor.update(_base_.oclip_input_normalization)
