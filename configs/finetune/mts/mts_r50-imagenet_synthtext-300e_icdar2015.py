# Baseline twin of mts_r50-oclip_synthtext-300e_icdar2015.py: ImageNet trunk,
# from mts_r50-imagenet_1e_synthtext.py.
_base_ = ['mts_r50-imagenet_300e_icdar2015.py']
synthtext_spotter = '{{$OCLIP_SYNTHTEXT_SPOTTER:work_dirs/mts_r50-imagenet_1e_synthtext/epoch_1.pth}}'  # noqa: E501
load_from = synthtext_spotter
custom_hooks = _base_.custom_hooks_strict_load
