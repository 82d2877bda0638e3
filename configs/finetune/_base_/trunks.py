# The two ResNet-50 trunks every finetune config chooses between. A pair of
# twins differs only in which of these it takes (and the input normalisation
# that goes with it); neck, head, pipeline, schedule and test scale come from
# the same MMOCR recipe.
custom_imports = dict(imports=['oclip_mmocr'], allow_failed_imports=False)

# The oCLIP backbone file: what ExportBackboneHook writes into the pretraining
# work directory (tools/train.py configs/pretrain/oclip_r50_synthtext.py ->
# work_dirs/oclip_r50_synthtext/backbone.pth). Also accepts MMOCR's released
# resnet50-oclip-7ba0c533.pth and tools/convert_official_checkpoint.py output.
# `--cfg-options oclip_backbone=PATH` chooses another (`none`: a randomly
# initialised trunk); the ImageNet twin's `imagenet_backbone` likewise
# (`none` offline). Both are read while parsing (OCLIP_OCLIP_BACKBONE /
# OCLIP_IMAGENET_BACKBONE for other tools), so the config dumped in the work
# dir names the file actually used; BackboneCheckpointHook checks it.
oclip_backbone = '{{$OCLIP_OCLIP_BACKBONE:work_dirs/oclip_r50_synthtext/backbone.pth}}'  # noqa: E501
imagenet_backbone = '{{$OCLIP_IMAGENET_BACKBONE:torchvision://resnet50}}'

# One BN rule for both trunks: frozen statistics, trainable affine
# (MMDetection's ResNet default, which MMOCR's oCLIP configs inherit).
trunk_norm = dict(
    norm_cfg=dict(type='BN', requires_grad=True),
    norm_eval=True,
    frozen_stages=-1)

# No DCN in either trunk: CLIPResNet has no deformable variant, and DCN in the
# baseline alone would credit the architecture's gain to the pretraining.
oclip_r50 = dict(
    type='CLIPResNet',
    depth=50,
    out_indices=(0, 1, 2, 3),
    **trunk_norm,
    # Strict: any missing/unexpected/reshaped key stops the run.
    init_cfg=dict(type='StrictPretrained', checkpoint=oclip_backbone))
imagenet_r50 = dict(
    type='mmdet.ResNet',
    depth=50,
    num_stages=4,
    out_indices=(0, 1, 2, 3),
    style='pytorch',  # the layout of torchvision's weights
    **trunk_norm,
    init_cfg=dict(type='Pretrained', checkpoint=imagenet_backbone))

# The narrow trunk of configs/pretrain/oclip_demo_synthetic.py (base width
# 16: stage widths 64/128/256/512, those of R18), for the CPU-sized demo and
# study twins. A trunk trained from scratch has no BN statistics to freeze,
# so both twins of a pair train BN.
narrow_trunk = dict(
    type='CLIPResNet',
    depth=50,
    base_channels=16,
    out_indices=(0, 1, 2, 3),
    norm_cfg=dict(type='BN', requires_grad=True),
    norm_eval=False,
    init_cfg=None)

# Each trunk sees the statistics it was pretrained with (0-255 scale, RGB).
clip_normalization = dict(
    mean=[122.7709383, 116.7460125, 104.09373615],
    std=[68.5005327, 66.6321579, 70.32316305])
imagenet_normalization = dict(
    mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375])
# What the oCLIP twin feeds its trunk. 'clip' (default): the statistics the
# trunk was pretrained with (bytedance/oclip and our pretraining normalise
# with CLIP's). 'imagenet': MMOCR's published oCLIP rows (its *-oclip_*
# configs keep the ImageNet preprocessor of their base) and the official
# PSENet code (dataset/psenet/*.py) -- set it to compare with those numbers:
# `--cfg-options oclip_normalization=imagenet` (or OCLIP_OCLIP_NORMALIZATION).
oclip_normalization = '{{$OCLIP_OCLIP_NORMALIZATION:clip}}'
if oclip_normalization not in ('clip', 'imagenet'):
    raise ValueError("oclip_normalization must be 'clip' or 'imagenet', got "
                     f'{oclip_normalization!r}')
oclip_input_normalization = (
    clip_normalization
    if oclip_normalization == 'clip' else imagenet_normalization)

custom_hooks = [
    dict(type='BackboneCheckpointHook'),
    # A second run on a live run's work dir is refused (docs/long_runs.md).
    dict(type='WorkDirLockHook'),
    # --resume picks the newest checkpoint that loads (docs/long_runs.md); a
    # NaN/inf loss stops the run.
    dict(type='SafeResumeHook'),
    dict(type='NonFiniteLossHook', max_skips=0),
    # Malformed polygons stop the run before the first iteration, listed;
    # check_images=True (tools/train.py --check-data) decodes every image.
    dict(type='DataCheckHook', check_images=False),
]
# For configs that start from a whole pretrained detector (`load_from`, e.g.
# after SynthText detection pretraining): it must fit exactly.
custom_hooks_strict_load = [
    dict(h, strict_load_from=True) if h['type'] == 'SafeResumeHook' else h
    for h in custom_hooks
]
