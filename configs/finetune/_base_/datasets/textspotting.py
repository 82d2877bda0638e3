# MMOCR's text-spotting layout (its dataset preparer with --task
# textspotting): polygons *and* transcriptions.
icdar2015_textspotting_data_root = 'data/icdar2015'
icdar2015_textspotting_train = dict(
    type='OCRDataset',
    data_root=icdar2015_textspotting_data_root,
    ann_file='textspotting_train.json',
    filter_cfg=dict(filter_empty_gt=True, min_size=32),
    pipeline=None)
icdar2015_textspotting_test = dict(
    type='OCRDataset',
    data_root=icdar2015_textspotting_data_root,
    ann_file='textspotting_test.json',
    test_mode=True,
    pipeline=None)
totaltext_textspotting_data_root = 'data/totaltext'
totaltext_textspotting_train = dict(
    icdar2015_textspotting_train, data_root=totaltext_textspotting_data_root)
totaltext_textspotting_test = dict(
    icdar2015_textspotting_test, data_root=totaltext_textspotting_data_root)
# SynthText in the text-spotting layout with character boxes: what
# tools/dataset_converters/synthtext.py writes (each word's transcription
# and, unless --no-chars, its charBB as `char_polygons`).
synthtext_textspotting_data_root = 'data/synthtext'
synthtext_textspotting_train = dict(
    icdar2015_textspotting_train,
    data_root=synthtext_textspotting_data_root,
    ann_file='textdet_train.json')
