# SynthText detection pretraining for DBNet (ImageNet trunk), finetuned by
# dbnet_r50-synthtext_1200e_{totaltext,ctw1500}.py.
# Reference: MMOCR configs/textdet/dbnet/dbnet_resnet18_fpnc_100k_synthtext.py
# (SGD lr 0.007, poly over 100k iterations, batch 16, its augmentation) with
# the R50 trunk of the twins and no DCN (MMOCR's R50 SynthText config,
# dbnet_resnet50-dcnv2_fpnc_100k_synthtext.py, has DCNv2, which the finetune
# trunks here do not).
_base_ = [
    'mmocr::textdet/dbnet/dbnet_resnet18_fpnc_100k_synthtext.py',
    '../_base_/trunks.py',
]
model = dict(neck=dict(in_channels=[256, 512, 1024, 2048]))
_base_.model.backbone = _base_.imagenet_r50
_base_.model.data_preprocessor.update(_base_.imagenet_normalization)
default_hooks = dict(
    checkpoint=dict(type='AtomicCheckpointHook', interval=10000,
                    max_keep_ckpts=2))
env_cfg = dict(dist_cfg=dict(timeout=1800))
