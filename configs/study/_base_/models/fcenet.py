# FCENet at study scale: MMOCR's R50 FCENet (stages 2-4) with simple
# polygons out, at 64 channels.
_base_ = [
    'mmocr::textdet/fcenet/_base_fcenet_resnet50_fpn.py',
    '../trunk.py',
]
model = dict(
    backbone=dict(_base_.study_trunk, _delete_=True, out_indices=(1, 2, 3)),
    neck=dict(in_channels=_base_.study_widths[1:], out_channels=64),
    det_head=dict(
        in_channels=64,
        postprocessor=dict(type='ValidFCEPostprocessor')),
    data_preprocessor=_base_.clip_normalization)
# The plateau this detector's study runs are checked against: the text-centre map (its flat loss held FCENet at zero).
custom_hooks = [
    dict(h, loss_key='loss_center') if h['type'] == 'PlateauExitHook' else h
    for h in _base_.custom_hooks
]
