"""tools/plot_logs.py reads MMEngine's scalars.json (a resumed run's two
files joined in time order) and draws training and validation panels."""
import json
import subprocess
import sys

import cv2

from tests.helpers import REPO

sys.path.insert(0, f'{REPO}/tools')
from plot_logs import read_scalars, scalar_files  # noqa: E402


def _write(path, records):
    path.parent.mkdir(parents=True)
    path.write_text('\n'.join(json.dumps(r) for r in records) + '\n')


def test_curves_from_a_resumed_run(tmp_path):
    # MMEngine's LocalVisBackend layout and records (as logged by the demo).
    _write(tmp_path / '20260101_000000/vis_data/scalars.json', [
        dict(lr=1e-3, loss=10.0, loss_db=1.0, epoch=1, iter=1, step=1),
        dict(lr=1e-3, loss=8.0, loss_db=0.9, epoch=1, iter=2, step=2),
        {'icdar/hmean': 0.1, 'icdar/precision': 0.2, 'step': 1},
    ])
    _write(tmp_path / '20260101_010000/vis_data/scalars.json', [
        dict(lr=1e-3, loss=6.0, loss_db=0.8, epoch=2, iter=3, step=3),
        {'icdar/hmean': 0.4, 'icdar/precision': 0.5, 'step': 2},
    ])
    files = scalar_files(str(tmp_path))
    assert len(files) == 2 and files[0] < files[1]
    train, val = read_scalars(files)
    assert train['loss'] == [(1, 10.0), (2, 8.0), (3, 6.0)]
    assert val['icdar/hmean'] == [(1, 0.1), (2, 0.4)]
    out = tmp_path / 'curves.png'
    proc = subprocess.run(
        [sys.executable, 'tools/plot_logs.py', str(tmp_path), '--out',
         str(out)], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert '3 curves from 1 run(s)' in proc.stdout  # loss, loss_db, hmean
    img = cv2.imread(str(out))
    assert img is not None and img.shape[1] > 1.5 * img.shape[0]
    proc = subprocess.run(
        [sys.executable, 'tools/plot_logs.py', str(tmp_path / 'none')],
        cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 1 and 'no scalars.json under' in proc.stderr
