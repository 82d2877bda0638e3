# Mask TextSpotter v3's first stage: the whole spotter pretrained on
# SynthText, with character-level supervision (the character branch trains
# on SynthText's charBB), before finetuning
# (mts_r50-*_synthtext-300e_*.py, mts_r50-*_synthtext-mixed_totaltext.py).
# Reference: the Mask TextSpotter v3 paper (pretraining on SynthText, then
# finetuning on real data; its code is CC BY-NC and not followed). Ours
# where the paper is not restated here: one pass over SynthText's ~858k
# images at the one-dataset recipe's rate (SGD 0.01, batch 8, 500-iteration
# warm-up), constant afterwards (~107k iterations).
_base_ = ['_base_mts_r50_300e.py']
_base_.synthtext_textspotting_train.pipeline = _base_.train_pipeline
train_dataloader = dict(dataset=_base_.synthtext_textspotting_train)
max_epochs = 1
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs + 1)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, end=500),
]
default_hooks = dict(checkpoint=dict(interval=1))
# ~107k iterations in the epoch: keep an iteration checkpoint too.
custom_hooks = _base_.custom_hooks + [
    dict(type='AtomicCheckpointHook', by_epoch=False, interval=2000,
         max_keep_ckpts=2, save_last=False)
]
# No test split: SynthText is training data only.
val_dataloader = val_cfg = val_evaluator = None
test_dataloader = test_cfg = test_evaluator = None
