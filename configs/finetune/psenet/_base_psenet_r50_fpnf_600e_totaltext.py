# PSENet R50 on Total-Text, both twins: the official PSENet recipe behind the
# oCLIP README's 85.5 F and the paper's ablation / data-portion /
# pretraining-comparison tables.
# Reference: whai362/PSENet config/psenet/psenet_r50_tt.py (+ train.py,
# dataset/psenet/psenet_tt.py, models/head/psenet_head.py), on MMOCR's
# PSENet parts and Total-Text dataset files. Differences, each on purpose:
# - neck: the config says out_channels=128, but the official FPN hard-codes
#   256 per level (models/neck/fpn.py), i.e. MMOCR's FPNF (4 x 256 concat).
# - train crop: MMOCR's ports of random_scale / random_crop_padding
#   (continuous 0.7-1.3 instead of 7 steps; aspect jitter off as official).
# - FixInvalidPolygon on training ground truth (MMOCR's Total-Text files
#   have folded polygons that the kernel shrink cannot use).
_base_ = [
    '_base_psenet_r50_fpnf_600e_ctw1500.py',
    'mmocr::textdet/_base_/datasets/totaltext.py',
]
# train.py: SGD(lr=1e-3, momentum=0.99, weight_decay=5e-4); lr x0.1 at
# epochs 200 and 400 of 600; batch 16.
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=1e-3, momentum=0.99, weight_decay=5e-4))
param_scheduler = [
    dict(type='MultiStepLR', milestones=[200, 400], gamma=0.1, end=600)
]
train_cfg = dict(max_epochs=600)
# psenet_tt.py: kernel_num=7, min_scale=0.7 -> rates 1 - 0.05 * i.
shrink_ratio = (1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7)
model = dict(
    det_head=dict(
        out_channel=7,
        module_loss=dict(shrink_ratio=shrink_ratio),
        # test_cfg: min_score=0.87, min_area=16 input pixels (= 1 pixel of
        # the stride-4 map), both required (OfficialPSEPostprocessor).
        postprocessor=dict(
            type='OfficialPSEPostprocessor',
            score_threshold=0.87,
            min_text_area=1,
            min_kernel_area=1)))

load_annotations = dict(
    type='LoadOCRAnnotations', with_polygon=True, with_bbox=True,
    with_label=True)
train_pipeline = [
    dict(type='LoadImageFromFile', color_type='color_ignore_orientation'),
    load_annotations,
    dict(type='FixInvalidPolygon'),
    # random_scale: short side 736 x [0.7, 1.3], sides rounded up to 32.
    dict(
        type='ShortScaleAspectJitter',
        short_size=736,
        ratio_range=(0.7, 1.3),
        aspect_ratio_range=(1.0, 1.0),
        scale_divisor=32),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomRotate', max_angle=10),
    # random_crop_padding: 736 x 736, text-biased 5 times in 8.
    dict(type='TextDetRandomCrop', target_size=(736, 736)),
    dict(type='Pad', size=(736, 736)),
    dict(
        type='TorchVisionWrapper',
        op='ColorJitter',
        brightness=32.0 / 255,
        saturation=0.5),
    dict(
        type='PackTextDetInputs',
        meta_keys=('img_path', 'ori_shape', 'img_shape', 'scale_factor'))
]
# scale_aligned_short: short side 736, each side rounded up to 32.
test_pipeline = [
    dict(type='LoadImageFromFile', color_type='color_ignore_orientation'),
    dict(
        type='ShortScaleAspectJitter',
        short_size=736,
        ratio_range=(1.0, 1.0),
        aspect_ratio_range=(1.0, 1.0),
        scale_divisor=32),
    load_annotations,
    # MMOCR's repair of invalid Total-Text ground truth at test time.
    dict(type='FixInvalidPolygon'),
    dict(
        type='PackTextDetInputs',
        meta_keys=('img_path', 'ori_shape', 'img_shape', 'scale_factor'))
]
_base_.totaltext_textdet_train.pipeline = train_pipeline
_base_.totaltext_textdet_test.pipeline = test_pipeline
train_dataloader = dict(
    batch_size=16, dataset=_base_.totaltext_textdet_train)
val_dataloader = dict(dataset=_base_.totaltext_textdet_test)
test_dataloader = val_dataloader
# DetEval too (docs/evaluation.md).
val_evaluator = _base_.totaltext_det_evaluator
test_evaluator = val_evaluator
