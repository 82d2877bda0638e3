# ICDAR19-LSVT weak labels (transcriptions only):
# tools/dataset_converters/lsvt_weak.py writes data/lsvt/weak_train.json and
# the dictionary data/lsvt/dict.txt built from the transcriptions.
lsvt_root = 'data/lsvt'
dictionary = dict(type='OCLIPDictionary', dict_file=lsvt_root + '/dict.txt')

train_pipeline = [
    dict(type='LoadImageFromFile', color_type='color', ignore_empty=True),
    dict(type='SampleWords', max_words=3, dictionary=dictionary),
    dict(type='MaskCharacters', dictionary=dictionary),
    dict(type='RandomResizedCrop', size=512, scale=(0.95, 1.0)),
    dict(type='PackOCLIPInputs'),
]
train_dataloader = dict(
    batch_size=64,
    num_workers=8,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='OCLIPDataset',
        data_root=lsvt_root,
        ann_file='weak_train.json',
        dictionary=dictionary,
        pipeline=train_pipeline))
