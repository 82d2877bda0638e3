# The embedded default: synthetic scene-text images generated into
# data/synthetic on first use (see SyntheticOCLIPDataset). Small images so
# that the demo runs on a CPU.
synthetic_root = 'data/synthetic'
img_size = 128
dictionary = dict(type='OCLIPDictionary')

train_pipeline = [
    dict(type='LoadImageFromFile', color_type='color', ignore_empty=True),
    dict(type='SampleWords', max_words=3, dictionary=dictionary),
    dict(type='MaskCharacters', dictionary=dictionary),
    dict(type='RandomResizedCrop', size=img_size, scale=(0.95, 1.0)),
    dict(type='PackOCLIPInputs'),
]
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='SyntheticOCLIPDataset',
        data_root=synthetic_root,
        split='train',
        num_images=256,
        img_size=(256, 256),
        dictionary=dictionary,
        pipeline=train_pipeline))
