# The paper's recipe: ResNet-50, SynthText, 512x512, 64 images per GPU.
_base_ = [
    '_base_/models/oclip_r50.py',
    '_base_/datasets/synthtext.py',
    '_base_/schedules/adamw_warmup_cosine_100e.py',
    '_base_/default_runtime.py',
]
