# The released code's behaviour (bytedance/oclip) instead of the paper's,
# needed to continue from the released checkpoints: the first 32 words in
# annotation order, a text embedding averaged over all 32 word slots (empty
# ones included), the contrastive loss halved, no temperature clamp. The
# *_released configs apply these two pieces to their dataset.
released_model = dict(
    text_pooling='all_slots',
    num_word_slots=32,
    decoder=dict(init_std_width=64),
    loss_contrastive=dict(halve=True, max_logit_scale=None))
released_pipeline = [
    dict(type='LoadImageFromFile', color_type='color', ignore_empty=True),
    dict(type='SampleWords', max_words=32, shuffle=False),
    dict(type='MaskCharacters'),
    dict(type='RandomResizedCrop', size=512, scale=(0.95, 1.0)),
    dict(type='PackOCLIPInputs'),
]
