# MMOCR has DBNet on Total-Text only with R18: its recipe (SGD lr 0.007,
# 1200 epochs, FixInvalidPolygon, test scale 1333x736) with the R50 widths.
# Curved text: boxes come out as polygons, simple ones only
# (docs/evaluation.md).
_base_ = ['mmocr::textdet/dbnet/dbnet_resnet18_fpnc_1200e_totaltext.py']
model = dict(
    neck=dict(in_channels=[256, 512, 1024, 2048]),
    det_head=dict(
        postprocessor=dict(type='ValidDBPostprocessor',
                           text_repr_type='poly')))
# Crash safety (docs/long_runs.md): atomic checkpoints, and a process-group
# timeout so surviving ranks stop when one dies. (An MMOCR recipe brings
# MMOCR's runtime, and MMEngine allows no second runtime base beside it.)
default_hooks = dict(checkpoint=dict(type='AtomicCheckpointHook'))
env_cfg = dict(dist_cfg=dict(timeout=1800))
