# Total-Text's published detection numbers are DetEval (both settings
# TextBPN reports), here next to MMOCR's IoU hmean (docs/evaluation.md). A
# variable, not val_evaluator itself: MMOCR's bases define
# that key, and MMEngine refuses a key that two bases define.
totaltext_det_evaluator = [
    dict(type='HmeanIOUMetric'),
    dict(type='DetEvalMetric', settings=[(0.7, 0.6), (0.8, 0.4)]),
]
