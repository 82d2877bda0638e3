# DBNet (MMOCR's R50 recipe: head, losses, post-processor) at study scale,
# from the pretrained narrow trunk. Twin: dbnet-scratch_synth.py.
_base_ = ['_base_/models/dbnet.py', '_base_/synthetic_study_long.py']
model = dict(
    det_head=dict(
        postprocessor=dict(
            text_repr_type=_base_.study_profile['text_repr_type'])))
# Half the study's batch: twice the updates for the same images. DBNet's
# map leaves its plateau after a number of updates (~400-450 at a batch of
# 4 or of 2), so at the study's batch of 4 the budget ended on or just off
# it (scratch 0.003 at the fixed threshold on synth_icdar2015; 0.41 / 0.36
# at a batch of 2: docs/embedded_benchmark.md, "DBNet: twice the updates
# for the same images").
train_dataloader = dict(batch_size=max(1, _base_.study_batch_size // 2))
