# DBNet (MMOCR's R50 recipe: head, losses, post-processor) at study scale,
# from the pretrained narrow trunk. Twin: dbnet-scratch_synth.py.
_base_ = ['_base_/models/dbnet.py', '_base_/synthetic_study_long.py']
model = dict(
    det_head=dict(
        postprocessor=dict(
            text_repr_type=_base_.study_profile['text_repr_type'])))
# A quarter of the study's batch (1 of 4): four times the updates for the
# same images, at the same wall time on CPU (the cost per image does not
# fall with the batch). DBNet's map sits on a constant-map plateau for
# several hundred updates; at a batch of 4 the budget ended on it (scratch
# 0.003 on synth_icdar2015), at 2 every scratch model left it after half
# its schedule (493-693 of 960), at 1 all but one of 18 models before
# (docs/embedded_benchmark.md, "DBNet at a batch of 1").
train_dataloader = dict(batch_size=max(1, _base_.study_batch_size // 4))
# At a batch of 1 the running BN statistics average single images', which
# leave out the spread between images: recomputed at the end over the
# training split in batches of 8, both twins score higher on every profile
# (docs/embedded_benchmark.md, "DBNet at a batch of 1: its BN statistics";
# in batches of 1, as trained, they barely move).
custom_hooks = _base_.custom_hooks + [
    dict(
        type='PreciseBNHook',
        num_images=_base_.study_train_images,
        batch_size=8)
]
