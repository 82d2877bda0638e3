# DBNet at study scale: MMOCR's R50 DBNet (neck, head, losses) with simple
# polygons out, narrowed to the study trunk's widths.
_base_ = [
    'mmocr::textdet/dbnet/_base_dbnet_resnet50-dcnv2_fpnc.py',
    '../trunk.py',
]
model = dict(
    backbone=dict(_base_.study_trunk, _delete_=True),
    neck=dict(in_channels=_base_.study_widths, lateral_channels=64,
              out_channels=16),
    det_head=dict(
        in_channels=64,
        postprocessor=dict(type='ValidDBPostprocessor')),
    data_preprocessor=_base_.clip_normalization)
# The plateau this detector's study runs are checked against: the
# probability map (a constant map is DBNet's plateau). Its loss first falls
# fast while the constant map fits its bias (3.8 -> 3.05 in ~60 iterations;
# 5.2 -> 3.4 for some seeds) and only then sits still (~3.0 for hundreds of
# iterations): the level is read where it stalls, not over the first
# iterations, which counted that fall as leaving the plateau
# (docs/embedded_benchmark.md, "When a model leaves its plateau").
custom_hooks = [
    dict(h, loss_key='loss_prob', level_at='stall')
    if h['type'] == 'PlateauExitHook' else h
    for h in _base_.custom_hooks
]
