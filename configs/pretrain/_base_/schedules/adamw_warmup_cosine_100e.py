# The paper's recipe: AdamW 1e-4, weight decay 0.1 except norms, biases and
# the temperature; 10k-iteration linear warm-up; cosine decay per iteration
# over the whole run; mixed precision: bf16 on GPUs that have it, fp16 with
# loss scaling on older ones, fp32 on a CPU (docs/speed.md).
optim_wrapper = dict(
    type='AutoMixedPrecisionOptimWrapper',
    # One log line for the per-parameter options, not one per tensor.
    constructor='ParamwiseSummaryConstructor',
    optimizer=dict(
        type='AdamW', lr=1e-4, betas=(0.9, 0.999), eps=1e-8,
        weight_decay=0.1),
    paramwise_cfg=dict(
        norm_decay_mult=0.,
        bias_decay_mult=0.,
        custom_keys={'logit_scale': dict(decay_mult=0.)}))
# Validation (masked-character accuracy, retrieval R@1/R@5 on the held-out
# images) every 2000 iterations and at the end.
train_cfg = dict(
    type='ResumableEpochBasedTrainLoop',
    max_epochs=100,
    val_interval=100,
    val_iter_interval=2000)
# Chained schedulers: the warm-up factor multiplies the cosine, which over
# 10k of ~170k iterations differs from "warm up, then start the cosine" by
# less than 1%.
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0,
         end=10000),
    dict(type='CosineAnnealingLR', by_epoch=True, convert_to_iter_based=True,
         begin=0, end=100, T_max=100, eta_min=0.),
]
# Reference global batch for --auto-scale-lr: 8 GPUs x 64 images.
auto_scale_lr = dict(base_batch_size=512, enable=False)
