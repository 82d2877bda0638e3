# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Contact sheets of the embedded profiles: images with their annotations.

Green outlines: legible text (transcription above it); red: ``###``
(ignored). One JPEG per profile, docs/embedded_benchmark.md shows them.

    python tools/synthetic_contact_sheet.py --out docs/ --num 8
"""
import argparse
import os
import os.path as osp

import cv2
import numpy as np

from oclip_mmocr.datasets.synthetic.profiles import PROFILES
from oclip_mmocr.datasets.synthetic.scene import SceneRenderer


def sheet(profile: str, num: int, cols: int, seed: int,
          tile_w: int) -> np.ndarray:
    renderer = SceneRenderer(PROFILES[profile])
    tiles = []
    for index in range(num):
        img, instances, quality = renderer.render(seed, index)
        # What the file on disk looks like, compression included.
        ok, buf = cv2.imencode('.jpg', img, [cv2.IMWRITE_JPEG_QUALITY,
                                             quality])
        img = cv2.imdecode(buf, cv2.IMREAD_COLOR)
        k = tile_w / img.shape[1]
        img = cv2.resize(img, (tile_w, int(round(img.shape[0] * k))),
                         interpolation=cv2.INTER_AREA)
        for inst in instances:
            pts = np.array(inst['polygon']).reshape(-1, 2) * k
            colour = (0, 0, 255) if inst['ignore'] else (0, 220, 0)
            cv2.polylines(img, [np.round(pts).astype(np.int32)], True,
                          colour, 1, cv2.LINE_AA)
        tiles.append(np.pad(img, ((2, 2), (2, 2), (0, 0)),
                            constant_values=255))
    rows = []
    for r in range(0, len(tiles), cols):
        row = tiles[r:r + cols]
        row += [np.full_like(tiles[0], 255)] * (cols - len(row))
        rows.append(np.concatenate(row, 1))
    return np.concatenate(rows, 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', default='docs')
    parser.add_argument('--num', type=int, default=8)
    parser.add_argument('--cols', type=int, default=4)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--tile-width', type=int, default=384)
    parser.add_argument('--profiles', nargs='+', default=sorted(PROFILES))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for profile in args.profiles:
        path = osp.join(args.out, f'{profile}.jpg')
        cv2.imwrite(path, sheet(profile, args.num, args.cols, args.seed,
                                args.tile_width),
                    [cv2.IMWRITE_JPEG_QUALITY, 88])
        print(path)


if __name__ == '__main__':
    main()
