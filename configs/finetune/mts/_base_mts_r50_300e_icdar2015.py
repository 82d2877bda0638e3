# ICDAR2015: test at shorter side 1440 (the paper's), E2E with the RRC
# rules; lexicon protocols: see the README (lexicon=generic/weak/strong).
_base_ = ['_base_mts_r50.py']
_base_.icdar2015_textspotting_train.pipeline = _base_.train_pipeline
_base_.icdar2015_textspotting_test.pipeline = _base_.test_pipeline
train_dataloader = dict(dataset=_base_.icdar2015_textspotting_train)
val_dataloader = dict(dataset=_base_.icdar2015_textspotting_test)
test_dataloader = val_dataloader
