# The staged spotter on icdar2015, oCLIP trunk: mts_r50-oclip_300e_icdar2015.py
# started from the whole spotter mts_r50-oclip_1e_synthtext.py trained
# (MTS v3's SynthText stage, with character supervision), loaded strictly.
# `--cfg-options synthtext_spotter=PATH` (OCLIP_SYNTHTEXT_SPOTTER) starts
# from another file. Twin: mts_r50-imagenet_synthtext-300e_icdar2015.py.
_base_ = ['mts_r50-oclip_300e_icdar2015.py']
synthtext_spotter = '{{$OCLIP_SYNTHTEXT_SPOTTER:work_dirs/mts_r50-oclip_1e_synthtext/epoch_1.pth}}'  # noqa: E501
load_from = synthtext_spotter
custom_hooks = _base_.custom_hooks_strict_load
