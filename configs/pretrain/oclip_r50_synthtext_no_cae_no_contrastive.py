# Ablation: word-level text encoder, no batch contrastive loss (the decoder's
# masked-character loss only).
_base_ = ['oclip_r50_synthtext_no_cae.py']

model = dict(loss_contrastive=None)
