# What `tools/test.py` / `mim test` print by default: MMOCR's number
# (HmeanIOUMetric, float polygons, best of its score sweep; logged as
# `icdar/...` whatever the dataset) next to the dataset's official protocol
# scored on the geometry of the submission file the official script reads
# (integer coordinates, polygons kept simple; docs/evaluation.md), each under
# its own prefix. Variables, not val_evaluator itself: MMOCR's bases define
# that key, and MMEngine refuses a key that two bases define.

# ICDAR2015: the RRC server's rule (IoU > 0.5 on integer clockwise quads).
icdar2015_det_evaluator = [
    dict(type='HmeanIOUMetric'),
    dict(type='SubmissionHmeanIOUMetric', quadrilaterals=True,
         prefix='icdar2015_rrc'),
]
# CTW1500: the VOC-polygon script (ctw1500_eval.py) on integer polygons.
ctw1500_det_evaluator = [
    dict(type='HmeanIOUMetric'),
    dict(type='SubmissionHmeanIOUMetric', prefix='ctw1500_voc'),
]
# Total-Text: DetEval (Deteval.py) in both settings TextBPN reports.
totaltext_det_evaluator = [
    dict(type='HmeanIOUMetric'),
    dict(type='DetEvalMetric', settings=[(0.7, 0.6), (0.8, 0.4)],
         official_rounding=True),
]
# Spotters: end to end and word spotting as the official scripts score them
# (RRC task 4.4 for ICDAR2015, AdelaiDet's text_eval_script.py for
# Total-Text); tools/test.py adds one metric per lexicon whose files exist
# (`spotting_lexicons`).
# The spotter's recogniser on the ground-truth polygons (word accuracy),
# next to end to end: a detection failure apart from a recognition one.
gt_recognition = dict(type='GTRecognitionMetric')
icdar2015_e2e_evaluator = [
    dict(type='SpottingHmeanIOUMetric', protocol='icdar2015',
         official_rounding=True, quadrilaterals=True),
    dict(type='SpottingHmeanIOUMetric', protocol='icdar2015',
         word_spotting=True, official_rounding=True, quadrilaterals=True,
         prefix='spot'),
    gt_recognition,
]
# ICDAR19-LSVT end to end (paper Table 2: F and 1-NED), the RRC 2019
# end-to-end rules as its competition scored them (docs/evaluation.md):
# IoU > 0.5, exact transcription, 1-NED over matched pairs plus every
# unmatched ground truth and prediction at distance 1; '###' don't care.
lsvt_e2e_evaluator = [
    dict(type='SpottingHmeanIOUMetric', protocol='lsvt', prefix='e2e'),
    gt_recognition,
]
totaltext_e2e_evaluator = [
    dict(type='SpottingHmeanIOUMetric', protocol='totaltext',
         official_rounding=True),
    dict(type='SpottingHmeanIOUMetric', protocol='totaltext',
         word_spotting=True, official_rounding=True, prefix='spot'),
    gt_recognition,
]
