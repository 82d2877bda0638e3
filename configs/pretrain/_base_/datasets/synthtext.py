# SynthText as image-text pairs: tools/dataset_converters/synthtext.py turns
# gt.mat into data/synthtext/textdet_train.json (with transcriptions). With
# MMOCR's dataset preparer use `--task textspotting` and set
# ann_file='textspotting_train.json' (its textdet files carry no text).
synthtext_root = 'data/synthtext'
dictionary = dict(type='OCLIPDictionary')

# Held out from the same file for validation (docs/pretraining.md): 0.5%
# of SynthText's ~858k images, fixed by subset_seed whatever the annotation
# order, the same on every rank and on resume.
val_fraction = 0.005
subset_seed = 0
# The paper's data-portion study: train on this share of the training
# images (a smaller share is contained in a larger one). Set it with
# `--cfg-options pretrain_fraction=0.25` or OCLIP_PRETRAIN_FRACTION.
pretrain_fraction = {{'$OCLIP_PRETRAIN_FRACTION:1.0'}}

# SampleWords and MaskCharacters take the dataset's dictionary.
train_pipeline = [
    # ignore_empty: an unreadable image is skipped with a warning naming it,
    # and another image is drawn.
    dict(type='LoadImageFromFile', color_type='color', ignore_empty=True),
    dict(type='SampleWords', max_words=3),
    dict(type='MaskCharacters'),
    dict(type='RandomResizedCrop', size=512, scale=(0.95, 1.0)),
    dict(type='PackOCLIPInputs'),
]
# Validation sees the same words and masked characters every time.
val_pipeline = [
    dict(type='LoadImageFromFile', color_type='color'),
    dict(type='SampleWords', max_words=3, shuffle=False),
    dict(type='MaskCharacters', seed=0),
    dict(type='Resize', scale=(512, 512), keep_ratio=False),
    dict(type='PackOCLIPInputs'),
]
train_dataloader = dict(
    batch_size=64,
    num_workers=8,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='ResumableSampler', shuffle=True),
    dataset=dict(
        type='OCLIPDataset',
        data_root=synthtext_root,
        ann_file='textdet_train.json',
        dictionary=dictionary,
        subset='train',
        val_fraction=val_fraction,
        subset_seed=subset_seed,
        pretrain_fraction=pretrain_fraction,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=64,
    num_workers=4,
    persistent_workers=False,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='OCLIPDataset',
        data_root=synthtext_root,
        ann_file='textdet_train.json',
        dictionary=dictionary,
        subset='val',
        val_fraction=val_fraction,
        subset_seed=subset_seed,
        pipeline=val_pipeline))
val_evaluator = dict(type='OCLIPPretrainMetric', ks=(1, 5))
val_cfg = dict(type='ValLoop')
