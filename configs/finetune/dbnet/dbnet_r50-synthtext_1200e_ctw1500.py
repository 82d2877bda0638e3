# The "SynthText pretraining" row for DBNet: dbnet_r50-imagenet_1200e_
# ctw1500.py started from the whole detector that
# dbnet_r50_fpnc_100k_synthtext.py trained (MMOCR's *_synthtext ->
# finetune pattern, e.g. dbnet_resnet50-dcnv2_fpnc_1200e_icdar2015.py's
# load_from). `--cfg-options synthtext_detector=PATH` chooses another file
# (OCLIP_SYNTHTEXT_DETECTOR for other tools); it must fit exactly.
_base_ = ['dbnet_r50-imagenet_1200e_ctw1500.py']
synthtext_detector = '{{$OCLIP_SYNTHTEXT_DETECTOR:work_dirs/dbnet_r50_fpnc_100k_synthtext/iter_100000.pth}}'  # noqa: E501
load_from = synthtext_detector
custom_hooks = _base_.custom_hooks_strict_load
