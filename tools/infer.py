# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Run a trained detector or spotter on images: drawn results and JSON.

    # detection (DBNet, PSENet, FCENet, TextBPN)
    python tools/infer.py IMAGES --det CONFIG --det-weights CKPT --out-dir OUT
    # detection + an MMOCR recogniser
    python tools/infer.py IMAGES --det CONFIG --det-weights CKPT \
        --rec mmocr::textrecog/abinet/abinet_20e_st-an_mj.py --rec-weights R.pth
    # the end-to-end spotter (polygons and texts)
    python tools/infer.py IMAGES --spot CONFIG --spot-weights CKPT --out-dir OUT

IMAGES is an image file or a folder. For each image ``OUT/vis/<name>.jpg``
shows the result and ``OUT/preds/<name>.json`` holds it (MMOCR's formats:
``polygons`` and ``scores``; with a recogniser ``det_polygons``,
``det_scores``, ``rec_texts``, ``rec_scores``; for the spotter ``polygons``,
``scores``, ``texts``, ``text_scores``), in the original image's pixels.
MMOCR's inferencers do the work (``TextDetInferencer`` / ``MMOCRInferencer``
/ ``TextSpotInferencer``); ``MMOCRInferencer`` alone would drop the
spotter's texts.

An image that cannot be read (empty, truncated, not an image) is skipped
with a warning naming it; the others are processed and a summary says how
many were read and skipped. The exit status is non-zero only when no image
could be read.
"""
import warnings

# mmengine imports pkg_resources, which warns at every import.
warnings.filterwarnings('ignore', message='pkg_resources is deprecated')
import argparse
import os
import os.path as osp
import sys

IMAGE_EXT = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp')


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n'.join(__doc__.split('\n')[2:]))
    parser.add_argument('inputs', help='an image or a folder of images')
    parser.add_argument('--det', help='detector config')
    parser.add_argument('--det-weights', help='detector checkpoint')
    parser.add_argument('--rec', help='recogniser config (with --det)')
    parser.add_argument('--rec-weights', help='recogniser checkpoint')
    parser.add_argument('--spot', help='spotter config')
    parser.add_argument('--spot-weights', help='spotter checkpoint')
    parser.add_argument('--out-dir', default='results/',
                        help='where vis/ and preds/ go (default: results/)')
    parser.add_argument('--device', default=None,
                        help='cpu, cuda, cuda:1 ... (default: best there)')
    parser.add_argument('--no-vis', action='store_true',
                        help='write the JSON only')
    args = parser.parse_args(argv)
    if bool(args.det) == bool(args.spot):
        parser.error('give either --det (optionally with --rec) or --spot')
    if args.rec and not args.det:
        parser.error('--rec needs --det')
    return args


def list_images(inputs: str):
    if osp.isdir(inputs):
        images = sorted(
            osp.join(inputs, f) for f in os.listdir(inputs)
            if f.lower().endswith(IMAGE_EXT))
    else:
        images = [inputs]
    if not images or not all(osp.isfile(p) for p in images):
        raise FileNotFoundError(f'no image found at {inputs}')
    return images


def unreadable(path: str):
    """Why ``path`` cannot be decoded as an image, or None when it can."""
    import mmcv
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except OSError as e:
        return f'cannot be opened ({e.strerror})'
    if not data:
        return 'is empty (0 bytes)'
    try:
        img = mmcv.imfrombytes(data)
    except Exception as e:  # cv2 and PIL raise several kinds
        return f'cannot be decoded ({type(e).__name__}: {e})'
    if img is None or img.size == 0:
        return 'cannot be decoded as an image'
    return None


def build(args):
    import oclip_mmocr  # noqa: F401  registers our models
    from mmocr.apis import (MMOCRInferencer, TextDetInferencer,
                            TextSpotInferencer)
    if args.spot:
        return TextSpotInferencer(model=args.spot, weights=args.spot_weights,
                                  device=args.device)
    if args.rec:
        return MMOCRInferencer(det=args.det, det_weights=args.det_weights,
                               rec=args.rec, rec_weights=args.rec_weights,
                               device=args.device)
    return TextDetInferencer(model=args.det, weights=args.det_weights,
                             device=args.device)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        images = list_images(args.inputs)
    except FileNotFoundError as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    from mmengine.utils import ProgressBar
    inferencer = build(args)
    progress = ProgressBar(len(images))
    found = 0
    skipped = []
    quiet = {} if args.rec else dict(progress_bar=False)
    for path in images:
        why = unreadable(path)
        if why is not None:
            # One bad file must not end a run over a folder.
            print(f'\nwarning: skipped {path}: {why}', file=sys.stderr)
            skipped.append(path)
            progress.update()
            continue
        result = inferencer(
            path, out_dir=args.out_dir, save_vis=not args.no_vis,
            save_pred=True, **quiet)
        pred = result['predictions'][0]
        found += len(pred.get('polygons', pred.get('det_polygons', [])))
        progress.update()
    read = len(images) - len(skipped)
    print(f'\n{read} images read, {len(skipped)} skipped, {found} text '
          f'instances -> {osp.join(args.out_dir, "preds")}'
          + ('' if args.no_vis else
             f' and {osp.join(args.out_dir, "vis")}'))
    if skipped:
        print('skipped (unreadable): ' + ', '.join(skipped),
              file=sys.stderr)
    if not read:
        print('error: no image could be read', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
