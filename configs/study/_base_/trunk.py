# The trunk of every study model: trunks.py's narrow_trunk (the demo
# pretraining's width), initialised in the oCLIP twins from the pretrained
# backbone (`--cfg-options oclip_backbone=PATH`; `none`: random init), with
# CLIP's input normalisation in both twins.
_base_ = ['../../finetune/_base_/trunks.py']
oclip_backbone = '{{$OCLIP_OCLIP_BACKBONE:work_dirs/study/pretrain/backbone.pth}}'  # noqa: E501
study_trunk = dict(
    _base_.narrow_trunk,
    init_cfg=dict(type='StrictPretrained', checkpoint=oclip_backbone))
study_widths = [64, 128, 256, 512]
# Each study model records when its total loss leaves its initial plateau
# (<work_dir>/plateau.json): a cell whose model never left it measures the
# budget, not the pretraining.
custom_hooks = _base_.custom_hooks + [dict(type='PlateauExitHook')]
