# The embedded default: the synth_pretrain profile (SynthText's stand-in:
# words in TrueType faces on photographs, straight, rotated, curved,
# vertical, dense; docs/embedded_benchmark.md), generated into
# data/synth_pretrain on first use (see SyntheticOCLIPDataset). Small crops
# so that the demo runs on a CPU.
_base_ = ['synthtext.py']

img_size = 128
train_pipeline = [
    dict(type='LoadImageFromFile', color_type='color', ignore_empty=True),
    dict(type='SampleWords', max_words=3),
    dict(type='MaskCharacters'),
    dict(type='RandomResizedCrop', size=img_size, scale=(0.95, 1.0)),
    dict(type='PackOCLIPInputs'),
]
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    dataset=dict(
        _delete_=True,
        type='SyntheticOCLIPDataset',
        data_root='data/synth_pretrain',
        profile='synth_pretrain',
        split='train',
        num_images=256,
        img_size=(256, 256),
        dictionary={{_base_.dictionary}},
        pretrain_fraction={{_base_.pretrain_fraction}},
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=0,
    dataset=dict(
        _delete_=True,
        type='SyntheticOCLIPDataset',
        data_root='data/synth_pretrain',
        profile='synth_pretrain',
        # Generated from another seed: images the training never sees.
        split='val',
        seed=1,
        num_images=64,
        img_size=(256, 256),
        dictionary={{_base_.dictionary}},
        pipeline=[
            dict(type='LoadImageFromFile', color_type='color'),
            dict(type='SampleWords', max_words=3, shuffle=False),
            dict(type='MaskCharacters', seed=0),
            dict(type='Resize', scale=(img_size, img_size), keep_ratio=False),
            dict(type='PackOCLIPInputs'),
        ]))
