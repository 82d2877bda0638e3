# Total-Text: test at shorter side 1000 (the paper's), E2E without lexicon
# (lexicon='full' with the full word list: see the README).
_base_ = ['_base_mts_r50.py']
test_pipeline = [
    _base_.test_pipeline[0],
    dict(type='Resize', scale=(1800, 1000), keep_ratio=True),
] + _base_.test_pipeline[2:]
_base_.totaltext_textspotting_train.pipeline = _base_.train_pipeline
_base_.totaltext_textspotting_test.pipeline = test_pipeline
train_dataloader = dict(dataset=_base_.totaltext_textspotting_train)
val_dataloader = dict(dataset=_base_.totaltext_textspotting_test)
test_dataloader = val_dataloader
val_evaluator = [
    dict(type='SpottingHmeanIOUMetric', protocol='totaltext'),
    dict(type='HmeanIOUMetric'),
]
test_evaluator = val_evaluator
