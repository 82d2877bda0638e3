# The embedded benchmark study (README, "Embedded benchmark"): a detector at
# CPU scale on one synthetic profile. Every study config inherits a real
# finetune config (the MMOCR recipe's model, head, losses, post-processor)
# and this file, which swaps in the narrow trunk of the demo pretraining,
# the profile's data, a resolution and a short schedule (its variables are
# named study_*, MMEngine refusing keys that two bases share; each study
# config assigns them). Knobs, read while
# parsing (our tools export `--cfg-options KEY=V` as OCLIP_KEY):
#   synth_profile  synth_icdar2015 | synth_ctw1500 | synth_totaltext
#   study_epochs   training epochs (default 6; DBNet, FCENet and TextBPN
#                  twice as many)
#   study_batch_size  images per iteration (4)
#   study_train_images, study_test_images  split sizes (160, 48)
#   oclip_backbone the pretrained narrow trunk (`none`: random init)
#   study_test_root  test instead on real images in MMOCR's layout
#                  (textdet_test.json, e.g. ../shared/data/icdar2015_sample;
#                  sim-to-real), detection metric only
synth_profile = '{{$OCLIP_SYNTH_PROFILE:synth_totaltext}}'
study_epochs = {{'$OCLIP_STUDY_EPOCHS:6'}}
study_batch_size = {{'$OCLIP_STUDY_BATCH_SIZE:4'}}
study_train_images = {{'$OCLIP_STUDY_TRAIN_IMAGES:160'}}
study_test_images = {{'$OCLIP_STUDY_TEST_IMAGES:48'}}
study_backbone = '{{$OCLIP_OCLIP_BACKBONE:work_dirs/study/pretrain/backbone.pth}}'  # noqa: E501
study_test_root = '{{$OCLIP_STUDY_TEST_ROOT:none}}'
# The budget: every model of the study costs 0.04-0.13 s per 256x256 image
# seen (DBNet cheapest, the spotter dearest; ICDAR2015 frames 2.3x that), so
# 28 models in about an hour allow ~1000 images each: 6 epochs of 160 in
# batches of 4 (batch 8 learnt no faster per image). DBNet, FCENet and
# TextBPN train twice as long (study_long_*): after 6 epochs they had not
# left their initial plateaus (DBNet's loss_prob ~2.9, a constant map, for
# ~1500 images; FCENet's center loss flat at 2.22; both FCENet twins and
# both TextBPN twins at hmean 0 on synth_icdar2015), and they are the
# cheaper ones.

# Images are generated at the profile's native size (ICDAR2015-like frames
# 512x288 with 8-20 px words, the others 384x384) and the models train and
# test on whole images: ICDAR2015 at its native size (its small words must
# stay small), the curved sets at 256x256 (words of 8-27 px: the CPU
# budget). Fixed-size crops at full resolution (the real recipes' 640-pixel
# windows) were tried first: with this few iterations most windows held no
# cared word and DBNet learnt nothing in 320 iterations.
study_scale = 512 if synth_profile == 'synth_icdar2015' else 256
# Padded to the frame, not a square: ICDAR2015's 16:9 frames in a 512x512
# batch spent 44% of every step on padding.
study_pad = (512, 288) if synth_profile == 'synth_icdar2015' else (256, 256)
# ICDAR2015 is annotated with quadrilaterals, the curved sets with polygons.
text_repr_type = 'quad' if synth_profile == 'synth_icdar2015' else 'poly'
# The spotter's end-to-end rules: RRC's on ICDAR2015, Total-Text's otherwise.
e2e_protocol = 'icdar2015' if synth_profile == 'synth_icdar2015' \
    else 'totaltext'

# The trunk is trunks.py's narrow_trunk (the demo pretraining's), from
# study_backbone in the oCLIP twins (their backbone's init_cfg).
study_oclip_init = dict(type='StrictPretrained', checkpoint=study_backbone)
study_widths = [64, 128, 256, 512]

study_load = [
    dict(type='LoadImageFromFile', color_type='color_ignore_orientation'),
    dict(
        type='LoadOCRAnnotations',
        with_polygon=True,
        with_bbox=True,
        with_label=True,
        with_text=True),
    dict(type='FixInvalidPolygon'),
]
study_train_pipeline = study_load + [
    dict(
        type='TorchVisionWrapper',
        op='ColorJitter',
        brightness=32.0 / 255,
        saturation=0.5),
    dict(type='Resize', scale=(study_scale, study_scale), keep_ratio=True),
    dict(type='Pad', size=study_pad),
    dict(
        type='PackTextDetInputs',
        meta_keys=('img_path', 'ori_shape', 'img_shape'))
]
study_test_pipeline = [
    study_load[0],
    dict(type='Resize', scale=(study_scale, study_scale), keep_ratio=True),
    *study_load[1:],
    dict(
        type='PackTextDetInputs',
        meta_keys=('img_path', 'ori_shape', 'img_shape', 'scale_factor'))
]
# One folder per profile; train and test are different seeds.
study_data = dict(
    type='SyntheticTextDetDataset',
    data_root='data/' + synth_profile,
    profile=synth_profile)
study_train_dataloader = dict(
    _delete_=True,
    batch_size=study_batch_size,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        study_data,
        split='train',
        num_images=study_train_images,
        seed=0,
        filter_cfg=dict(filter_empty_gt=True, min_size=8),
        pipeline=study_train_pipeline))
study_val_dataloader = dict(
    _delete_=True,
    batch_size=4,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        study_data,
        split='test',
        num_images=study_test_images,
        seed=1,
        test_mode=True,
        pipeline=study_test_pipeline))
study_val_evaluator = dict(_delete_=True, type='HmeanIOUMetric')
if study_test_root != 'none':
    # Real ICDAR2015 frames are 1280x720 with words of 8-40 px, tested at
    # full size: the pixel sizes the synth_icdar2015 models trained on
    # (8-20 px). Real annotations may lack transcriptions.
    study_val_dataloader = dict(
        study_val_dataloader,
        dataset=dict(
            type='OCRDataset',
            data_root=study_test_root,
            ann_file='textdet_test.json',
            test_mode=True,
            pipeline=[
                study_load[0],
                dict(type='Resize', scale=(1280, 1280), keep_ratio=True),
                dict(type='LoadOCRAnnotations', with_polygon=True,
                     with_bbox=True, with_label=True),
                study_load[2],
                study_test_pipeline[-1],
            ]))
study_test_dataloader = study_val_dataloader
study_test_evaluator = study_val_evaluator

study_optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-3))
study_train_cfg = dict(
    _delete_=True,
    type='EpochBasedTrainLoop',
    max_epochs=study_epochs,
    val_interval=10**6)
# Full rate until the last epoch (see the demo DBNet config: decaying during
# DBNet's initial plateau leaves it at hmean 0).
study_param_scheduler = [
    dict(
        type='PolyLR',
        power=0.9,
        begin=study_epochs - 1,
        end=study_epochs,
        convert_to_iter_based=True)
]
study_default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(
        type='AtomicCheckpointHook', interval=study_epochs,
        max_keep_ckpts=1))
study_long_epochs = 2 * study_epochs
study_long_train_cfg = dict(study_train_cfg, max_epochs=study_long_epochs)
study_long_param_scheduler = [
    dict(
        study_param_scheduler[0],
        begin=study_long_epochs - 1,
        end=study_long_epochs)
]
study_long_default_hooks = dict(
    study_default_hooks,
    checkpoint=dict(
        study_default_hooks['checkpoint'], interval=study_long_epochs))
study_randomness = dict(seed=0)
study_auto_scale_lr = dict(base_batch_size=study_batch_size)
