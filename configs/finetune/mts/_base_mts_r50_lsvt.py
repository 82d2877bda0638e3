# ICDAR19-LSVT end to end (the paper's Table 2: F and 1-NED), both twins:
# the spotter recipe on LSVT's full annotations
# (tools/dataset_converters/lsvt_full.py), recognising the characters of the
# dictionary the LSVT pretraining uses (one variable for both, as in
# configs/pretrain/_base_/datasets/lsvt_weak.py).
# Reference: our spotter recipe (_base_mts_r50.py; the paper's MTS v3 code is
# CC BY-NC), epochs scaled to LSVT's size like the other LSVT configs.
_base_ = ['_base_mts_r50_300e.py', '../_base_/datasets/lsvt.py']
# The oCLIP twin's trunk: pretrained on LSVT's weak labels
# (configs/pretrain/oclip_r50_lsvt.py), as ../_base_/lsvt_backbone.py names
# it for the detectors.
oclip_backbone = '{{$OCLIP_OCLIP_BACKBONE:work_dirs/oclip_r50_lsvt/backbone.pth}}'  # noqa: E501
oclip_r50 = dict(
    _base_.oclip_r50,
    init_cfg=dict(type='StrictPretrained', checkpoint=oclip_backbone))
lsvt_root = '{{$OCLIP_LSVT_ROOT:data/lsvt}}'
lsvt_dict = '{{$OCLIP_LSVT_DICT:<lsvt_root>/dict.txt}}'.replace(
    '<lsvt_root>', lsvt_root)
# LSVT text lines are longer than words: up to 40 characters are read.
# LSVT has no character boxes: no character branch (thousands of classes
# that nothing would train).
model = dict(
    roi_head=dict(
        char_head=None,
        rec_decoder=dict(
            max_seq_len=40,
            dictionary=dict(type='CheckedDictionary', dict_file=lsvt_dict,
                            setting='lsvt_dict'),
            module_loss=dict(letter_case='unchanged'))))
_base_.lsvt_textdet_train.pipeline = _base_.train_pipeline
_base_.lsvt_textdet_test.pipeline = _base_.test_pipeline
train_dataloader = dict(dataset=_base_.lsvt_textdet_train)
val_dataloader = dict(dataset=_base_.lsvt_textdet_test)
test_dataloader = val_dataloader
# ~27k images at batch 8: 300 ICDAR2015 epochs (~37.5k iterations) are ~11
# LSVT epochs; steps at 2/3 and 8/9 as in the recipe.
max_epochs = 11
train_cfg = dict(max_epochs=max_epochs, val_interval=4)
default_hooks = dict(checkpoint=dict(interval=1))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, end=500),
    dict(type='MultiStepLR', milestones=[7, 10], end=max_epochs),
]
# LSVT's end-to-end rules (hmean and 1-NED) and MMOCR's detection number.
val_evaluator = _base_.lsvt_e2e_evaluator + [dict(type='HmeanIOUMetric')]
test_evaluator = val_evaluator
spotting_lexicons = dict()  # LSVT has no lexicon protocol
