# Ablation: no visual-textual decoder, hence no masked-character loss.
_base_ = ['oclip_r50_synthtext.py']

model = dict(decoder=None, loss_char=None)
