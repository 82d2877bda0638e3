# The "SynthText pretraining" row: psenet_r50-imagenet_fpnf_600e_totaltext.py
# started from the whole detector that psenet_r50_fpnf_1e_synthtext.py
# trained (as whai362/PSENet psenet_r50_tt_finetune.py does with
# `pretrain=`). `--cfg-options synthtext_detector=PATH` chooses another file
# (OCLIP_SYNTHTEXT_DETECTOR for other tools); it must fit exactly.
_base_ = ['psenet_r50-imagenet_fpnf_600e_totaltext.py']
synthtext_detector = '{{$OCLIP_SYNTHTEXT_DETECTOR:work_dirs/psenet_r50_fpnf_1e_synthtext/epoch_1.pth}}'  # noqa: E501
load_from = synthtext_detector
custom_hooks = _base_.custom_hooks_strict_load
