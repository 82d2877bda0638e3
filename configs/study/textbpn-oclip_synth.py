# TextBPN (our R50 recipe, at stride 4) at study scale, from the pretrained
# narrow trunk. Twin: textbpn-scratch_synth.py.
_base_ = ['_base_/models/textbpn.py', '_base_/synthetic_study_long.py']
model = dict(
    det_head=dict(
        postprocessor=dict(
            text_repr_type=_base_.study_profile['text_repr_type'])))
