# LSVT twins compare the trunk pretrained on LSVT weak labels
# (configs/pretrain/oclip_r50_lsvt.py) with ImageNet, as the paper's Table 1.
_base_ = ['trunks.py']
oclip_backbone = '{{$OCLIP_OCLIP_BACKBONE:work_dirs/oclip_r50_lsvt/backbone.pth}}'  # noqa: E501
oclip_r50 = dict(
    _base_.oclip_r50,
    init_cfg=dict(type='StrictPretrained', checkpoint=oclip_backbone))
