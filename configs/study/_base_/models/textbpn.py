# TextBPN at study scale: our R50 TextBPN at stride 4, narrowed.
_base_ = [
    '../../../finetune/textbpn/_base_textbpn_r50.py',
    '../trunk.py',
]
model = dict(
    backbone=dict(_base_.study_trunk, _delete_=True),
    neck=dict(in_channels=tuple(_base_.study_widths),
              channels=(64, 32, 32, 32), out_stride=4),
    det_head=dict(stride=4),
    data_preprocessor=_base_.clip_normalization)
# The plateau this detector's study runs are checked against: the text-region classification.
custom_hooks = [
    dict(h, loss_key='loss_cls') if h['type'] == 'PlateauExitHook' else h
    for h in _base_.custom_hooks
]
