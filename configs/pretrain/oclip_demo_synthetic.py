# The demo (`make demo`): oCLIP on the embedded synthetic data at 128x128 with
# tiny widths; about 2 minutes on 2 CPU cores. Same components as the R50
# recipe, only narrower.
_base_ = [
    '_base_/models/oclip_r50.py',
    '_base_/datasets/synthetic.py',
    '_base_/schedules/adamw_warmup_cosine_100e.py',
    '_base_/default_runtime.py',
]

grid = 128 // 32
model = dict(
    image_encoder=dict(
        # A two-minute run: compiling would cost more than it saves.
        compile=False,
        backbone=dict(base_channels=16),
        attnpool=dict(
            grid_size=grid, in_channels=512, num_heads=8, out_channels=128)),
    text_encoder=dict(width=64, num_layers=2, num_heads=4, embed_dims=128),
    decoder=dict(grid_size=grid, embed_dims=128, num_layers=2, num_heads=4))

max_epochs = 36
train_cfg = dict(
    max_epochs=max_epochs, val_interval=max_epochs, val_iter_interval=288)
# CPU: plain fp32 (mixed precision needs a GPU here).
optim_wrapper = dict(
    type='OptimWrapper', optimizer=dict(lr=1e-3, weight_decay=0.05))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=20),
    dict(type='CosineAnnealingLR', by_epoch=True, convert_to_iter_based=True,
         begin=0, end=max_epochs, T_max=max_epochs, eta_min=0.),
]
default_hooks = dict(
    logger=dict(interval=16),
    checkpoint=dict(interval=max_epochs))
randomness = dict(seed=0)
