# The staged spotter, oCLIP trunk: SynthText stage
# (mts_r50-oclip_1e_synthtext.py), then the mixed-data finetune
# (_base_mts_r50_synthtext-mixed.py). `--cfg-options synthtext_spotter=PATH`
# (OCLIP_SYNTHTEXT_SPOTTER) starts from another stage-1 checkpoint; it must
# fit exactly. Twin: mts_r50-imagenet_synthtext-mixed_totaltext.py.
_base_ = ['_base_mts_r50_synthtext-mixed.py']
_base_.model.backbone = _base_.oclip_r50
_base_.model.data_preprocessor.update(_base_.oclip_input_normalization)
synthtext_spotter = '{{$OCLIP_SYNTHTEXT_SPOTTER:work_dirs/mts_r50-oclip_1e_synthtext/epoch_1.pth}}'  # noqa: E501
load_from = synthtext_spotter
