# The embedded benchmark study (docs/embedded_benchmark.md): data, schedule
# and runtime of a detector at CPU scale on one synthetic profile. A study
# config is a model base (_base_/models/: the real recipe's model, narrowed)
# plus this file (or synthetic_study_long.py). Knobs, read while parsing
# (`--cfg-options KEY=V` with our tools; MMEngine fixes variables before
# anything is derived from them, so they travel as OCLIP_<KEY> while a
# config is parsed):
#   synth_profile  synth_icdar2015 | synth_ctw1500 | synth_totaltext
#   study_epochs   training epochs (default 6; synthetic_study_long.py: 2x)
#   study_batch_size  images per iteration (4)
#   study_train_images, study_test_images  split sizes (160, 48)
#   study_test_root  test instead on real images in MMOCR's layout
#                  (textdet_test.json, e.g. ../shared/data/icdar2015_sample;
#                  sim-to-real), detection metric only
#   oclip_backbone the pretrained narrow trunk (_base_/trunk.py)
_base_ = ['../../finetune/_base_/default_runtime.py']
synth_profile = '{{$OCLIP_SYNTH_PROFILE:synth_totaltext}}'
study_epochs = {{'$OCLIP_STUDY_EPOCHS:6'}}
study_batch_size = {{'$OCLIP_STUDY_BATCH_SIZE:4'}}
study_train_images = {{'$OCLIP_STUDY_TRAIN_IMAGES:160'}}
study_test_images = {{'$OCLIP_STUDY_TEST_IMAGES:48'}}
study_test_root = '{{$OCLIP_STUDY_TEST_ROOT:none}}'
# The budget: every model of the study costs 0.04-0.13 s per 256x256 image
# seen (DBNet cheapest, the spotter dearest; ICDAR2015 frames 2.3x that), so
# 28 models in about an hour allow ~1000 images each: 6 epochs of 160 in
# batches of 4 (batch 8 learnt no faster per image). DBNet, FCENet and
# TextBPN train twice as long (synthetic_study_long.py): after 6 epochs they
# had not left their initial plateaus (DBNet's loss_prob ~2.9, a constant
# map, for ~1500 images; FCENet's center loss flat at 2.22; both FCENet twins
# and both TextBPN twins at hmean 0 on synth_icdar2015), and they are the
# cheaper ones.

# Per profile, one mapping. Images are generated at the profile's native
# size (ICDAR2015-like frames 512x288 with 8-20 px words, the others
# 384x384) and the models train and test on whole images: ICDAR2015 at its
# native size (its small words must stay small), padded to the frame (a
# 512x512 batch spent 44% of every step on padding), the curved sets at
# 256x256 (words of 8-27 px: the CPU budget). Fixed-size crops at full
# resolution (the real recipes' 640-pixel windows) were tried first: with
# this few iterations most windows held no cared word and DBNet learnt
# nothing in 320 iterations. ICDAR2015 is annotated with quadrilaterals, the
# curved sets with polygons; the spotter's end-to-end rules are RRC's on
# ICDAR2015, Total-Text's otherwise.
study_profiles = dict(
    synth_icdar2015=dict(scale=512, pad=(512, 288), text_repr_type='quad',
                         e2e_protocol='icdar2015'),
    synth_ctw1500=dict(scale=256, pad=(256, 256), text_repr_type='poly',
                       e2e_protocol='totaltext'),
    synth_totaltext=dict(scale=256, pad=(256, 256), text_repr_type='poly',
                         e2e_protocol='totaltext'),
    # The spotter's first stage (MTS v3's SynthText stage) trains here.
    synth_pretrain=dict(scale=256, pad=(256, 256), text_repr_type='poly',
                        e2e_protocol='totaltext'))
study_profile = study_profiles[synth_profile]

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
study_resize = dict(
    type='Resize',
    scale=(study_profile['scale'], study_profile['scale']),
    keep_ratio=True)
study_train_transforms = [
    dict(
        type='TorchVisionWrapper',
        op='ColorJitter',
        brightness=32.0 / 255,
        saturation=0.5),
    study_resize,
    dict(type='Pad', size=study_profile['pad']),
]
study_pack_test = dict(
    type='PackTextDetInputs',
    meta_keys=('img_path', 'ori_shape', 'img_shape', 'scale_factor'))
# One folder per profile; train and test are different seeds.
study_data = dict(
    type='SyntheticTextDetDataset',
    data_root='data/' + synth_profile,
    profile=synth_profile)
train_dataloader = dict(
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
        pipeline=study_load + study_train_transforms + [
            dict(
                type='PackTextDetInputs',
                meta_keys=('img_path', 'ori_shape', 'img_shape'))
        ]))
val_dataloader = dict(
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
        pipeline=[study_load[0], study_resize, *study_load[1:],
                  study_pack_test]))
if study_test_root != 'none':
    # Real ICDAR2015 frames are 1280x720 with words of 8-40 px, tested at
    # full size: the pixel sizes the synth_icdar2015 models trained on
    # (8-20 px). Real annotations may lack transcriptions.
    val_dataloader = dict(
        val_dataloader,
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
                study_pack_test,
            ]))
test_dataloader = val_dataloader
# Validation during training draws each model's learning curve (the study
# reports it: faster convergence is part of what pretraining gives), at the
# threshold the study scores with (tools/compare_twins.py --fixed-thr) next
# to MMOCR's sweep; the final test (compare_twins) reads its dump instead.
study_fixed_hmean = dict(
    type='HmeanIOUMetric',
    prefix='fixed',
    pred_score_thrs=dict(start=0.5, stop=0.5 + 1e-6, step=1.0))
val_evaluator = [dict(type='HmeanIOUMetric'), study_fixed_hmean]
test_evaluator = dict(type='HmeanIOUMetric')

optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-3))
# Three points of the learning curve: a third, two thirds, the end.
train_cfg = dict(
    type='EpochBasedTrainLoop',
    max_epochs=study_epochs,
    val_interval=max(1, study_epochs // 3))
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
# Full rate until the last epoch (see the demo DBNet config: decaying during
# DBNet's initial plateau leaves it at hmean 0).
param_scheduler = [
    dict(
        type='PolyLR',
        power=0.9,
        begin=study_epochs - 1,
        end=study_epochs,
        convert_to_iter_based=True)
]
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=study_epochs, max_keep_ckpts=1))
randomness = dict(seed=0)
auto_scale_lr = dict(base_batch_size=study_batch_size)
