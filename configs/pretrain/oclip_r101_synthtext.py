_base_ = ['oclip_r50_synthtext.py']

model = dict(image_encoder=dict(backbone=dict(depth=101)))
