# Ablation: neither the character-aware encoder nor the visual-textual
# decoder -- CLIP's recipe on scene-text images (word-level text encoder,
# batch contrastive loss only).
_base_ = ['oclip_r50_synthtext_no_cae.py']

model = dict(decoder=None, loss_char=None)
