# Baseline twin of psenet_r50-oclip_fpnf_600e_ctw1500.py: ImageNet trunk.
_base_ = [
    'mmocr::textdet/psenet/psenet_resnet50_fpnf_600e_ctw1500.py',
    '../_base_/trunks.py',
]
_base_.model.backbone = _base_.imagenet_r50
_base_.model.data_preprocessor.update(_base_.imagenet_normalization)
# Simple polygons only (README, "Evaluation protocols").
_base_.model.det_head.postprocessor.type = 'ValidPSEPostprocessor'
# Crash safety (README, "Long runs and failures"): atomic checkpoints, and a
# process-group timeout so surviving ranks stop when one dies.
default_hooks = dict(checkpoint=dict(type='AtomicCheckpointHook'))
env_cfg = dict(dist_cfg=dict(timeout=1800))
