# The Mask-TextSpotter-v3-style spotter at study scale, from the pretrained
# narrow trunk; end-to-end and detection metrics, and the recogniser's word
# accuracy on the ground-truth words. Twin: mts-scratch_synth.py.
# Profiles: synth_icdar2015, synth_totaltext; synth_pretrain is its first
# stage (MTS v3's SynthText stage; tools/study.py).
_base_ = ['_base_/models/mts.py', '_base_/synthetic_study.py']
# The generator writes every legible word's character boxes: they follow
# the geometric transforms and train the character branch.
train_dataloader = dict(
    dataset=dict(pipeline=_base_.study_load[:2] + [
        dict(type='WithCharPolygons',
             transforms=_base_.study_load[2:] + _base_.study_train_transforms),
        dict(type='PackTextSpotInputs',
             meta_keys=('img_path', 'ori_shape', 'img_shape'))
    ]))
# `spotter_stage1=DIR`: start from the whole spotter of the first stage,
# DIR/<this config>.pth (tools/study.py trains it); 'none': from the trunk.
spotter_stage1 = '{{$OCLIP_SPOTTER_STAGE1:none}}'
load_from = None if spotter_stage1 == 'none' else \
    spotter_stage1 + '/mts-oclip_synth.pth'
visualizer = dict(type='TextSpottingLocalVisualizer')
val_evaluator = [
    dict(type='SpottingHmeanIOUMetric',
         protocol=_base_.study_profile['e2e_protocol']),
    dict(type='GTRecognitionMetric'),
    *_base_.val_evaluator,
] if _base_.study_test_root == 'none' else _base_.val_evaluator
# The final test is scored from its dump (tools/compare_twins.py).
test_evaluator = val_evaluator[:-1] if _base_.study_test_root == 'none' \
    else _base_.test_evaluator
