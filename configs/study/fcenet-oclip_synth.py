# FCENet (MMOCR's R50 recipe) at study scale, from the pretrained narrow
# trunk. Twin: fcenet-scratch_synth.py.
_base_ = ['_base_/models/fcenet.py', '_base_/synthetic_study_long.py']
model = dict(
    det_head=dict(
        postprocessor=dict(
            text_repr_type=_base_.study_profile['text_repr_type'])))
