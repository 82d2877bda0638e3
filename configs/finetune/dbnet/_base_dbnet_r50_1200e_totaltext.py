# DBNet R50 on Total-Text, both twins.
# Reference: MMOCR configs/textdet/dbnet/dbnet_resnet50-oclip_1200e_
# icdar2015.py (optimisation) and dbnet_resnet18_fpnc_1200e_totaltext.py.
# MMOCR has DBNet on Total-Text only with R18: data, augmentation,
# FixInvalidPolygon and test scale 1333x736 come from that file as they are;
# the optimisation is that of its R50 trunks (its oCLIP row and
# dbnet_resnet50_1200e_icdar2015.py): SGD lr 0.002 instead of R18's 0.007,
# linear warm-up over 100 epochs from 0.001x, then poly to epoch 1200.
# Curved text: boxes come out as polygons, simple ones only
# (docs/evaluation.md).
_base_ = ['mmocr::textdet/dbnet/dbnet_resnet18_fpnc_1200e_totaltext.py']
model = dict(
    neck=dict(in_channels=[256, 512, 1024, 2048]),
    det_head=dict(
        postprocessor=dict(type='ValidDBPostprocessor',
                           text_repr_type='poly')))
optim_wrapper = dict(optimizer=dict(lr=0.002))
param_scheduler = [
    dict(type='LinearLR', end=100, start_factor=0.001),
    dict(type='PolyLR', power=0.9, eta_min=1e-7, begin=100, end=1200),
]
# Crash safety (docs/long_runs.md): atomic checkpoints, and a process-group
# timeout so surviving ranks stop when one dies. (An MMOCR recipe brings
# MMOCR's runtime, and MMEngine allows no second runtime base beside it.)
default_hooks = dict(checkpoint=dict(type='AtomicCheckpointHook'))
env_cfg = dict(dist_cfg=dict(timeout=1800))
