# Baseline twin of mts_r50-oclip_synthtext-mixed_totaltext.py: ImageNet trunk,
# from mts_r50-imagenet_1e_synthtext.py.
_base_ = ['_base_mts_r50_synthtext-mixed.py']
_base_.model.backbone = _base_.imagenet_r50
_base_.model.data_preprocessor.update(_base_.imagenet_normalization)
synthtext_spotter = '{{$OCLIP_SYNTHTEXT_SPOTTER:work_dirs/mts_r50-imagenet_1e_synthtext/epoch_1.pth}}'  # noqa: E501
load_from = synthtext_spotter
