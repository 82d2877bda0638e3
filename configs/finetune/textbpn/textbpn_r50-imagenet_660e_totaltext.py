# Baseline twin of textbpn_r50-oclip_660e_totaltext.py: ImageNet trunk.
_base_ = ['_base_textbpn_r50_660e_totaltext.py']
_base_.model.backbone = _base_.imagenet_r50
_base_.model.data_preprocessor.update(_base_.imagenet_normalization)
