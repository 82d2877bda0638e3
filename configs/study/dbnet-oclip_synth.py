# DBNet (MMOCR's R50 recipe: head, losses, post-processor) at study scale,
# from the pretrained narrow trunk. Twin: dbnet-scratch_synth.py.
_base_ = ['_base_/models/dbnet.py', '_base_/synthetic_study_long.py']
model = dict(
    det_head=dict(
        postprocessor=dict(
            text_repr_type=_base_.study_profile['text_repr_type'])))
