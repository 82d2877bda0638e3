# PSENet (MMOCR's R50 recipe) at study scale, from the pretrained narrow
# trunk. Twin: psenet-scratch_synth.py.
_base_ = ['_base_/models/psenet.py', '_base_/synthetic_study.py']
model = dict(
    det_head=dict(
        postprocessor=dict(
            text_repr_type=_base_.study_profile['text_repr_type'])))
