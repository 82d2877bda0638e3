# ICDAR2015: test at shorter side 1440 (the paper's), E2E with the RRC
# rules; lexicon protocols: docs/evaluation.md (lexicon=generic/weak/strong).
_base_ = ['_base_mts_r50_300e.py']
_base_.icdar2015_textspotting_train.pipeline = _base_.train_pipeline
_base_.icdar2015_textspotting_test.pipeline = _base_.test_pipeline
train_dataloader = dict(dataset=_base_.icdar2015_textspotting_train)
val_dataloader = dict(dataset=_base_.icdar2015_textspotting_test)
test_dataloader = val_dataloader
# The lexicon protocols (generic / weak / strong), with the files as Mask
# TextSpotter v3 ships them; tools/compare_twins.py scores each one whose files
# are present (docs/evaluation.md); `--cfg-options
# lexicon_root=DIR` (or OCLIP_LEXICON_ROOT) points elsewhere.
lexicon_root = '{{$OCLIP_LEXICON_ROOT:data/icdar2015/lexicons}}'
spotting_lexicons = dict(
    generic=dict(
        lexicon_file=lexicon_root + '/GenericVocabulary_new.txt',
        lexicon_pairs_file=(lexicon_root +
                            '/GenericVocabulary_pair_list.txt')),
    weak=dict(
        lexicon_file=lexicon_root + '/ch4_test_vocabulary_new.txt',
        lexicon_pairs_file=(lexicon_root +
                            '/ch4_test_vocabulary_pair_list.txt')),
    strong=dict(
        lexicon_dir=lexicon_root + '/new_strong_lexicon',
        lexicon_pattern='new_voc_{stem}.txt',
        lexicon_pair_pattern='pair_voc_{stem}.txt'))
