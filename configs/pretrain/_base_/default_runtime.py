default_scope = 'mmocr'
custom_imports = dict(imports=['oclip_mmocr'], allow_failed_imports=False)
env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    # When one rank dies, the others give up after this many seconds instead
    # of waiting in a collective until the cluster's wall-clock limit.
    dist_cfg=dict(backend='nccl', timeout=1800))
randomness = dict(seed=None)

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # Atomic writes; rotation only after the new file is on disk.
    checkpoint=dict(type='AtomicCheckpointHook', interval=1, max_keep_ckpts=3),
    sampler_seed=dict(type='DistSamplerSeedHook'),
)
# Long runs (docs/long_runs.md): besides one checkpoint per
# epoch, one every `iter_checkpoint_interval` iterations (the last 2 kept),
# so a pre-emption loses minutes, not an epoch; ResumableEpochBasedTrainLoop
# continues such a checkpoint with the next batch. Set it with
# `--cfg-options iter_checkpoint_interval=N` (our tools) or
# OCLIP_ITER_CHECKPOINT_INTERVAL=N (any tool): it is read while parsing.
iter_checkpoint_interval = {{'$OCLIP_ITER_CHECKPOINT_INTERVAL:2000'}}
custom_hooks = [
    # backbone.pth (CLIPResNet keys) next to every saved checkpoint: what
    # configs/finetune/ loads.
    dict(type='ExportBackboneHook'),
    # A second run on a live run's work dir is refused (docs/long_runs.md).
    dict(type='WorkDirLockHook'),
    # --resume picks the newest checkpoint that loads; bad ones moved aside.
    dict(type='SafeResumeHook'),
    # A NaN/inf loss stops the run (max_skips=N tolerates N in a row: AMP).
    dict(type='NonFiniteLossHook', max_skips=0),
    dict(
        type='AtomicCheckpointHook',
        by_epoch=False,
        interval=iter_checkpoint_interval,
        max_keep_ckpts=2,
        save_last=False),  # the epoch hook saves the end
]

log_processor = dict(type='LogProcessor', window_size=10, by_epoch=True)
log_level = 'INFO'
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(
    type='Visualizer', vis_backends=vis_backends, name='visualizer')
load_from = None
resume = False
