# FCENet R50 on CTW1500 from the oCLIP trunk: MMOCR's CTW1500 recipe (SGD
# lr 1e-3, 1500 epochs, test scale 1080x736, its level ranges and alpha/beta)
# without its DCNv2: replacing the backbone drops DCN from both twins.
_base_ = [
    'mmocr::textdet/fcenet/fcenet_resnet50-dcnv2_fpn_1500e_ctw1500.py',
    '../_base_/trunks.py',
]
_base_.model.backbone = dict(_base_.oclip_r50, out_indices=(1, 2, 3))
_base_.model.data_preprocessor.update(_base_.clip_normalization)
# Simple polygons only (README, "Evaluation protocols").
_base_.model.det_head.postprocessor.type = 'ValidFCEPostprocessor'
# Crash safety (README, "Long runs and failures"): atomic checkpoints, and a
# process-group timeout so surviving ranks stop when one dies.
default_hooks = dict(checkpoint=dict(type='AtomicCheckpointHook'))
env_cfg = dict(dist_cfg=dict(timeout=1800))
