# ICDAR19-LSVT full annotations in MMOCR's detection layout, as written by
# tools/dataset_converters/lsvt_full.py (same shape as MMOCR's dataset files).
# The same OCLIP_LSVT_ROOT (`--cfg-options lsvt_root=DIR`) as pretraining.
lsvt_textdet_data_root = '{{$OCLIP_LSVT_ROOT:data/lsvt}}'
lsvt_textdet_train = dict(
    type='OCRDataset',
    data_root=lsvt_textdet_data_root,
    ann_file='textdet_train.json',
    filter_cfg=dict(filter_empty_gt=True, min_size=32),
    pipeline=None)
lsvt_textdet_test = dict(
    type='OCRDataset',
    data_root=lsvt_textdet_data_root,
    ann_file='textdet_test.json',
    test_mode=True,
    pipeline=None)
