# Reference: GXYM/TextBPN scripts/train_CTW1500.sh and train_textBPN.py.
# TextBPN R50: the paper's recipe (TextBPN, ICCV 2021) with the released
# code's settings where the paper is silent (GXYM/TextBPN: 4 graph-conv
# layers, training proposals at distance 0.4 jittered by 0.8, words with an
# inner distance under 4 px ignored, at most 64 rings per image). Learning
# rate as the released finetuning scripts run it (scripts/train_CTW1500.sh:
# Adam, --lr 0.001; train_textBPN.py: StepLR(step_size=100, gamma=0.9) per
# epoch for every dataset but SynthText): Adam 1e-3 x0.9 every 100 epochs,
# 660 epochs, batch 12, 640x640 crops, predictions at stride 1 with the
# stride-2 stem merged, test images resized to fit 1024x640. The trunk comes
# from ../_base_/trunks.py in the top-level twins. This file: the model and
# its pipelines; _base_textbpn_r50_660e.py: loaders, schedule, runtime.
# Input pixels per predicted pixel: 1 as in the paper; 4 (TextBPN++) is 16x
# cheaper: --cfg-options model.neck.out_stride=4 model.det_head.stride=4
stride = 1
model = dict(
    type='TextBPN',
    backbone=None,  # set by the twin
    neck=dict(
        type='BPNUpsampleNeck',
        in_channels=(256, 512, 1024, 2048),
        channels=(256, 128, 64, 32),
        stem_channels=64,
        out_stride=stride),
    det_head=dict(
        type='TextBPNHead',
        in_channels=32,
        stride=stride,
        num_points=20,
        deformation=dict(type='AdaptiveBoundaryDeformation', num_iters=3),
        module_loss=dict(type='TextBPNModuleLoss'),
        postprocessor=dict(
            type='TextBPNPostprocessor', dist_thr=0.3, cls_thr=0.8)),
    data_preprocessor=dict(
        type='TextDetDataPreprocessor',
        bgr_to_rgb=True,
        pad_size_divisor=32))

train_pipeline = [
    dict(type='LoadImageFromFile', color_type='color_ignore_orientation'),
    dict(
        type='LoadOCRAnnotations',
        with_polygon=True,
        with_bbox=True,
        with_label=True),
    dict(type='FixInvalidPolygon'),
    dict(
        type='TorchVisionWrapper',
        op='ColorJitter',
        brightness=32.0 / 255,
        saturation=0.5),
    dict(type='ShortScaleAspectJitter', short_size=640, scale_divisor=32),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomRotate', max_angle=30),
    dict(type='TextDetRandomCrop', target_size=(640, 640)),
    dict(type='Pad', size=(640, 640)),
    dict(
        type='PackTextDetInputs',
        meta_keys=('img_path', 'ori_shape', 'img_shape'))
]
test_pipeline = [
    dict(type='LoadImageFromFile', color_type='color_ignore_orientation'),
    dict(type='Resize', scale=(1024, 640), keep_ratio=True),
    dict(
        type='LoadOCRAnnotations',
        with_polygon=True,
        with_bbox=True,
        with_label=True),
    dict(type='FixInvalidPolygon'),
    dict(
        type='PackTextDetInputs',
        meta_keys=('img_path', 'ori_shape', 'img_shape', 'scale_factor'))
]
# No proposal in an image -> the deformation gets no gradient that step.
find_unused_parameters = True
