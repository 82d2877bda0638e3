# Ablation "-CAE" (paper, Table 6): CLIP's word-level text encoder instead
# of the character-aware one -- the masked word as CLIP BPE tokens
# (open_clip_torch's tokenizer and vocabulary, pinned in requirements/),
# the masked character one extra token. Same transformer widths as the
# character encoder, so that the input is the only difference; decoder,
# losses and data unchanged.
_base_ = ['oclip_r50_synthtext.py']

context_length = 32  # start + <= 24 characters' tokens + end, padded
model = dict(
    text_encoder=dict(
        _delete_=True,
        type='WordTextEncoder',
        max_len=context_length,
        width=64,
        num_layers=6,
        num_heads=8,
        embed_dims=384))
bpe = dict(type='BPETokenizeWords', context_length=context_length)
train_dataloader = dict(
    dataset=dict(
        pipeline=_base_.train_pipeline[:-1] +
        [bpe, _base_.train_pipeline[-1]]))
val_dataloader = dict(
    dataset=dict(
        pipeline=_base_.val_pipeline[:-1] + [bpe, _base_.val_pipeline[-1]]))
