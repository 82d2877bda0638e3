# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Turn dumped test predictions into the official submission files.

    python tools/test.py CONFIG CHECKPOINT --dump preds.pkl
    # ICDAR2015 detection / end-to-end: the zip the RRC server takes
    python tools/make_submission.py preds.pkl icdar2015-det submit_det.zip
    python tools/make_submission.py preds.pkl icdar2015-e2e submit_e2e.zip
    # Total-Text: a folder for Deteval.py (y,x order; --order xy for copies
    # that read x first, such as TextBPN's), or the end-to-end zip
    python tools/make_submission.py preds.pkl totaltext-det results/
    python tools/make_submission.py preds.pkl totaltext-e2e tt_e2e.zip
    # CTW1500: a folder for ctw1500_eval.py (the VOC-polygon script)
    python tools/make_submission.py preds.pkl ctw1500-det results/

Coordinates are rounded to integers (the official formats take integers);
ICDAR2015 polygons of more than 4 vertices become their minimum-area
rectangle, every quadrilateral clockwise. Predictions scored under
--score-thr are left out (the official scripts score what the file holds),
and so is a polygon with no area left at integer precision (counted).
The metrics' ``official_rounding`` option scores exactly these files, so
the benchmark's official columns are what the scripts will print.
"""
import argparse
import os.path as osp
import pickle
import sys
import warnings

warnings.filterwarnings('ignore', message='pkg_resources is deprecated')
from oclip_mmocr.evaluation.submission import (FORMATS,  # noqa: E402
                                               write_submission)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n\n'.join(__doc__.split('\n\n')[1:]))
    parser.add_argument('predictions',
                        help='pickle from tools/test.py --dump')
    parser.add_argument('format', choices=FORMATS)
    parser.add_argument('out', help='FILE.zip for an archive, else a folder')
    parser.add_argument('--score-thr', type=float, default=0.5,
                        help='leave out predictions scored below it '
                        '(default 0.5, the benchmark\'s fixed threshold)')
    parser.add_argument('--order', choices=['yx', 'xy'], default='yx',
                        help="totaltext-det only: 'yx' for Total-Text's "
                        "Deteval.py (default), 'xy' for copies reading x "
                        'first')
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    try:
        with open(args.predictions, 'rb') as f:
            samples = pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError) as e:
        print(f'{args.predictions}: cannot read the predictions ({e}); '
              'expected the pickle of tools/test.py --dump',
              file=sys.stderr)
        return 1
    if not isinstance(samples, list) or (
            samples and 'pred_instances' not in samples[0]):
        print(f'{args.predictions}: not a list of test results with '
              'pred_instances (tools/test.py --dump writes one)',
              file=sys.stderr)
        return 1
    try:
        stats = write_submission(samples, args.format, args.out,
                                 args.score_thr, args.order)
    except ValueError as e:
        print(f'{args.predictions}: {e}', file=sys.stderr)
        return 1
    what = 'archive' if args.out.endswith('.zip') else 'folder'
    print(f'{args.format}: {stats["files"]} result files, '
          f'{stats["lines"]} predictions (score >= {args.score_thr}) in '
          f'{what} {osp.abspath(args.out)}')
    if stats['lost']:
        print(f'left out {stats["lost"]} polygons with no area at integer '
              'precision')
    return 0


if __name__ == '__main__':
    sys.exit(main())
