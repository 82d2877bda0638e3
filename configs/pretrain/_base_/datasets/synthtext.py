# SynthText as image-text pairs: tools/dataset_converters/synthtext.py turns
# gt.mat into data/synthtext/textdet_train.json (with transcriptions). With
# MMOCR's dataset preparer use `--task textspotting` and set
# ann_file='textspotting_train.json' (its textdet files carry no text).
synthtext_root = 'data/synthtext'
dictionary = dict(type='OCLIPDictionary')

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
        pipeline=train_pipeline))
