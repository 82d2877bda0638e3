# The Mask-TextSpotter-v3-style spotter at study scale, from the pretrained
# narrow trunk; end-to-end and detection metrics. Twin: mts-scratch_synth.py.
# Profiles: synth_icdar2015, synth_totaltext.
_base_ = ['_base_/models/mts.py', '_base_/synthetic_study.py']
visualizer = dict(type='TextSpottingLocalVisualizer')
val_evaluator = [
    dict(type='SpottingHmeanIOUMetric',
         protocol=_base_.study_profile['e2e_protocol']),
    dict(type='HmeanIOUMetric'),
] if _base_.study_test_root == 'none' else _base_.val_evaluator
test_evaluator = val_evaluator
