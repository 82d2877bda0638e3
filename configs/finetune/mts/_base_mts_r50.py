# Reference: the Mask TextSpotter v3 paper (ECCV 2020); its code is
# CC BY-NC and not followed.
# Mask-TextSpotter-v3-style spotter, R50 + FPN (see oclip_mmocr/models/
# textspot). Recipe after the paper, scaled to one dataset: SGD lr 0.01
# (batch 8), 300 epochs with steps at 2/3 and 8/9, 640x640 training crops
# from multi-scale images; the trunk comes from ../_base_/trunks.py in the
# twins. Test scales per dataset (the paper's shorter sides). This file: the
# model and its pipelines; _base_mts_r50_300e.py: loaders, schedule, runtime.
# Mask TextSpotter reads 36 classes, digits and case-folded letters (its
# character maps: background + 36), as the end-to-end protocols compare
# case-insensitively; the recogniser's loss folds the case of the targets.
dictionary = dict(
    type='Dictionary',
    dict_file='{{ fileDirname }}/../../../dicts/lower_english_digits.txt',
    with_start=True,
    with_end=True,
    same_start_end=True,
    with_padding=True,
    with_unknown=True)
model = dict(
    type='MTSSpotter',
    backbone=None,  # set by the twin
    # MTS v3's SPN fuses the FPN levels at 1/4 scale: MMOCR's FPNC does
    # exactly that (4 x 64 channels concatenated, then conv + BN + ReLU).
    neck=dict(
        type='FPNC',
        in_channels=[256, 512, 1024, 2048],
        lateral_channels=256,
        out_channels=64,
        conv_after_concat=True),
    det_head=dict(
        type='SPNHead',
        in_channels=256,
        module_loss=dict(
            type='SPNModuleLoss',
            shrink_ratio=0.4,
            loss_kernel=dict(type='BatchDiceLoss', smooth=1.)),
        postprocessor=dict(
            type='SPNPostprocessor',
            shrink_ratio=0.4,
            bin_thr=0.1,
            max_proposals=1000)),
    roi_head=dict(
        type='MTSRoIHead',
        score_head=dict(type='BoxScoreHead', in_channels=256, channels=256),
        mask_head=dict(type='TextMaskHead', in_channels=256, channels=256),
        # Trained only by words with character boxes (SynthText, the
        # generated pretraining data); silent elsewhere.
        char_head=dict(type='CharSegHead', in_channels=256, channels=256),
        # Both readers' own layers on the word RoI (as Mask R-CNN's mask
        # branch has four 3x3 convolutions before its output): without them
        # the SAR encoder only pools the fused map.
        rec_neck=dict(
            type='RoIConvTower', in_channels=256, channels=256, num_convs=4),
        rec_encoder=dict(
            type='SAREncoder', in_channels=256, d_model=256, d_enc=256),
        rec_decoder=dict(
            # MMOCR's ParallelSARDecoder (same parameters and training)
            # with greedy decoding linear in the length (docs/speed.md).
            type='IncrementalSARDecoder',
            in_channels=256,
            d_model=256,
            d_enc=256,
            d_k=64,
            max_seq_len=25,
            dictionary=dictionary,
            module_loss=dict(
                type='CEModuleLoss',
                ignore_first_char=True,
                reduction='mean',
                letter_case='lower'),
            postprocessor=dict(type='AttentionPostprocessor'))),
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
# along its own axis, sees words at many angles. The geometric transforms
# run inside WithCharPolygons, which carries each word's character boxes
# (where the data has them: SynthText, the generated data) through them for
# the character branch; elsewhere it changes nothing.
train_geometry = [
    dict(type='FixInvalidPolygon'),
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
]
train_pipeline = load[:2] + [
    dict(type='WithCharPolygons', transforms=train_geometry),
    dict(
        type='PackTextSpotInputs',
        meta_keys=('img_path', 'ori_shape', 'img_shape'))
]
test_resize = dict(type='Resize', scale=(2560, 1440), keep_ratio=True)
test_pipeline = [load[0], test_resize] + load[1:] + [
    dict(
        type='PackTextDetInputs',
        meta_keys=('img_path', 'ori_shape', 'img_shape', 'scale_factor'))
]
find_unused_parameters = True
