# PSENet at study scale: MMOCR's R50 PSENet with simple polygons out, at 64
# channels. MMOCR's FPNF sizes its fusion layer for 256-channel levels
# whatever the width; WidthFPNF is the same neck at 64 channels.
_base_ = [
    'mmocr::textdet/psenet/_base_psenet_resnet50_fpnf.py',
    '../trunk.py',
]
model = dict(
    backbone=dict(_base_.study_trunk, _delete_=True),
    neck=dict(type='WidthFPNF', in_channels=_base_.study_widths,
              out_channels=64),
    det_head=dict(
        in_channels=[64],
        hidden_dim=64,
        postprocessor=dict(type='ValidPSEPostprocessor')),
    data_preprocessor=_base_.clip_normalization)
# The plateau this detector's study runs are checked against: the text map.
custom_hooks = [
    dict(h, loss_key='loss_text') if h['type'] == 'PlateauExitHook' else h
    for h in _base_.custom_hooks
]
