# Demo-size DBNet on the embedded synthetic data (the main job of `make demo`,
# 2 CPU
# cores): MMOCR's DBNet head and losses, the demo pretraining's narrow
# CLIPResNet (base width 16) and a short Adam schedule.
_base_ = [
    'mmocr::textdet/dbnet/_base_dbnet_resnet18_fpnc.py',
    '../_base_/default_runtime.py',
    '../_base_/trunks.py',
]
oclip_backbone = '{{$OCLIP_OCLIP_BACKBONE:work_dirs/demo/pretrain/backbone.pth}}'  # noqa: E501
# The twins take trunks.py's narrow_trunk (the demo pretraining's).
model = dict(
    neck=dict(lateral_channels=64, out_channels=16),
    # Simple polygons only (docs/evaluation.md).
    det_head=dict(
        in_channels=64,
        postprocessor=dict(type='ValidDBPostprocessor',
                           text_repr_type='poly')),
    data_preprocessor=_base_.clip_normalization)

# Read while parsing, so that `--cfg-options img_size=N` (our tools) or
# OCLIP_IMG_SIZE=N reaches both pipelines.
img_size = {{'$OCLIP_IMG_SIZE:256'}}
train_pipeline = [
    dict(type='LoadImageFromFile', color_type='color_ignore_orientation'),
    dict(
        type='LoadOCRAnnotations',
        with_polygon=True,
        with_bbox=True,
        with_label=True),
    dict(
        type='TorchVisionWrapper',
        op='ColorJitter',
        brightness=32.0 / 255,
        saturation=0.5),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=True),
    dict(type='Pad', size=(img_size, img_size)),
    dict(
        type='PackTextDetInputs',
        meta_keys=('img_path', 'ori_shape', 'img_shape'))
]
test_pipeline = [
    dict(type='LoadImageFromFile', color_type='color_ignore_orientation'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=True),
    dict(
        type='LoadOCRAnnotations',
        with_polygon=True,
        with_bbox=True,
        with_label=True),
    dict(
        type='PackTextDetInputs',
        meta_keys=('img_path', 'ori_shape', 'img_shape', 'scale_factor'))
]
# The synth_totaltext profile (curved, rotated, vertical and dense words on
# photographs, word-level polygons; docs/embedded_benchmark.md) at 256x256:
# 256 training images, 32 held out (another seed). On your own data
# (MMOCR's textdet layout), set data_root and ann_file: nothing is then
# generated (docs/usage.md).
synthetic = dict(
    type='SyntheticTextDetDataset',
    data_root='data/synth_totaltext_256',
    profile='synth_totaltext',
    img_size=(256, 256))
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        synthetic,
        split='train',
        num_images=256,
        seed=0,
        filter_cfg=dict(filter_empty_gt=True, min_size=8),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=4,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        synthetic,
        split='test',
        num_images=32,
        seed=1,
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = val_dataloader

max_epochs = 10
optim_wrapper = dict(
    type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-3))
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=1000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
# Full rate until the last epoch: DBNet sits on a plateau for its first
# ~300 iterations on synth_totaltext, and decaying the rate before it leaves
# it (polynomial decay from the start, or from half way) ends at hmean 0,
# where a flat rate reached 0.35 after 320 iterations.
param_scheduler = [
    dict(type='PolyLR', power=0.9, begin=max_epochs - 1, end=max_epochs)
]
default_hooks = dict(
    logger=dict(interval=16), checkpoint=dict(interval=max_epochs))
randomness = dict(seed=0)
