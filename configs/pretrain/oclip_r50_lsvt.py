# ResNet-50 on ICDAR19-LSVT weak labels: CJK dictionary, text width 384 (the
# released LSVT model: 5254 ids).
_base_ = [
    '_base_/models/oclip_r50.py',
    '_base_/datasets/lsvt_weak.py',
    '_base_/schedules/adamw_warmup_cosine_100e.py',
    '_base_/default_runtime.py',
]

model = dict(
    dictionary={{_base_.dictionary}}, text_encoder=dict(width=384))
