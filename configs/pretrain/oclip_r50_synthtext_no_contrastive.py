# Ablation: no batch-level image-text contrastive loss.
_base_ = ['oclip_r50_synthtext.py']

model = dict(loss_contrastive=None)
