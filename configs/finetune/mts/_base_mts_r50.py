# Mask-TextSpotter-v3-style spotter, R50 + FPN (see oclip_mmocr/models/
# textspot). Recipe after the paper, scaled to one dataset: SGD lr 0.01
# (batch 8), 300 epochs with steps at 2/3 and 8/9, 640x640 training crops
# from multi-scale images; the trunk comes from ../_base_/trunks.py in the
# twins. Test scales per dataset (the paper's shorter sides).
_base_ = [
    'mmocr::textdet/_base_/default_runtime.py',
    '../_base_/trunks.py',
    '../_base_/datasets/textspotting.py',
]
dictionary = dict(
    type='Dictionary',
    dict_file='{{ fileDirname }}/../../../dicts/english_digits_symbols.txt',
    with_start=True,
    with_end=True,
    same_start_end=True,
    with_padding=True,
    with_unknown=True)
model = dict(
    type='MTSSpotter',
    backbone=None,  # set by the twin
    neck=dict(
        type='mmdet.FPN',
        in_channels=[256, 512, 1024, 2048],
        out_channels=256,
        num_outs=4),
    spn=dict(type='SegmentationProposalNetwork', in_channels=256,
             channels=256),
    score_head=dict(type='BoxScoreHead', in_channels=256, channels=256),
    mask_head=dict(type='TextMaskHead', in_channels=256, channels=256),
    rec_encoder=dict(type='SAREncoder', in_channels=256, d_model=256,
                     d_enc=256),
    rec_decoder=dict(
        type='ParallelSARDecoder',
        in_channels=256,
        d_model=256,
        d_enc=256,
        d_k=64,
        max_seq_len=25,
        dictionary=dictionary,
        module_loss=dict(
            type='CEModuleLoss', ignore_first_char=True, reduction='mean'),
        postprocessor=dict(type='AttentionPostprocessor')),
    data_preprocessor=dict(
        type='TextDetDataPreprocessor', bgr_to_rgb=True, pad_size_divisor=32))

load = [
    dict(type='LoadImageFromFile', color_type='color_ignore_orientation'),
    dict(
        type='LoadOCRAnnotations',
        with_polygon=True,
        with_bbox=True,
        with_label=True,
        with_text=True),
    dict(type='FixInvalidPolygon'),
]
# No flipping: mirrored words do not read. Rotation (+-30 degrees, half the
# images) as MTS v3 trains, so that the recogniser, which reads each word
# along its own axis, sees words at many angles.
train_pipeline = load + [
    dict(
        type='RandomApply',
        transforms=[dict(type='RandomRotate', max_angle=30, use_canvas=True)],
        prob=0.5),
    dict(
        type='RandomResize',
        scale=(1280, 1280),
        ratio_range=(0.5, 1.25),
        keep_ratio=True),
    dict(type='RandomCrop', min_side_ratio=0.3),
    dict(type='Resize', scale=(640, 640), keep_ratio=True),
    dict(type='Pad', size=(640, 640)),
    dict(
        type='PackTextDetInputs',
        meta_keys=('img_path', 'ori_shape', 'img_shape'))
]
test_resize = dict(type='Resize', scale=(2560, 1440), keep_ratio=True)
test_pipeline = [load[0], test_resize] + load[1:] + [
    dict(
        type='PackTextDetInputs',
        meta_keys=('img_path', 'ori_shape', 'img_shape', 'scale_factor'))
]
train_dataloader = dict(
    batch_size=8,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False))
test_dataloader = val_dataloader
val_evaluator = [
    dict(type='SpottingHmeanIOUMetric', protocol='icdar2015'),
    dict(type='HmeanIOUMetric'),
]
test_evaluator = val_evaluator

max_epochs = 300
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4),
    clip_grad=dict(max_norm=5))
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=20)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, end=500),
    dict(type='MultiStepLR', milestones=[200, 267], end=max_epochs),
]
# Crash safety (README, "Long runs and failures"): atomic checkpoints, and a
# process-group timeout so surviving ranks stop when one dies.
default_hooks = dict(
    checkpoint=dict(
        type='AtomicCheckpointHook', interval=20, max_keep_ckpts=3))
env_cfg = dict(dist_cfg=dict(timeout=1800))
visualizer = dict(type='TextSpottingLocalVisualizer', name='visualizer')
auto_scale_lr = dict(base_batch_size=8)
find_unused_parameters = True
