# Total-Text: test at shorter side 1000 (the paper's), E2E without lexicon
# (the 'full' lexicon below).
_base_ = ['_base_mts_r50_300e.py']
test_pipeline = [
    _base_.test_pipeline[0],
    dict(type='Resize', scale=(1800, 1000), keep_ratio=True),
] + _base_.test_pipeline[2:]
_base_.totaltext_textspotting_train.pipeline = _base_.train_pipeline
_base_.totaltext_textspotting_test.pipeline = test_pipeline
train_dataloader = dict(dataset=_base_.totaltext_textspotting_train)
val_dataloader = dict(dataset=_base_.totaltext_textspotting_test)
test_dataloader = val_dataloader
# End to end and word spotting as AdelaiDet scores Total-Text, detection
# as DetEval next to MMOCR's number (_base_/evaluation.py).
val_evaluator = _base_.totaltext_e2e_evaluator + \
    _base_.totaltext_det_evaluator
test_evaluator = val_evaluator
# The 'full' lexicon protocol (every word of the test set), with the files
# as Mask TextSpotter v3 ships them; tools/compare_twins.py scores it when they
# are present (docs/evaluation.md).
lexicon_root = '{{$OCLIP_LEXICON_ROOT:data/totaltext/lexicons}}'
spotting_lexicons = dict(
    full=dict(
        lexicon_file=lexicon_root + '/weak_voc_new.txt',
        lexicon_pairs_file=lexicon_root + '/weak_voc_pair_list.txt'))
