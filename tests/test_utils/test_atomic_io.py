"""utils/atomic_io.py: a refused write names the file and loses nothing."""
import subprocess
import sys

import torch

from oclip_mmocr.utils.atomic_io import atomic_save
from tests.helpers import REPO


def test_atomic_write_on_a_full_disk_leaves_the_old_file(tmp_path):
    """A write that the file system refuses (here: a 64 KiB file-size limit,
    standing in for a full disk) raises naming the file and the errno and
    leaves the previous file intact and no temporary file."""
    target = tmp_path / 'backbone.pth'
    atomic_save({'x': torch.zeros(4)}, target)
    before = target.read_bytes()
    code = (
        'import resource, signal, sys, torch\n'
        'signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n'
        'resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 16, 1 << 16))\n'
        'from oclip_mmocr.utils.atomic_io import atomic_save\n'
        'try:\n'
        f'    atomic_save({{"x": torch.zeros(1 << 20)}}, {str(target)!r})\n'
        'except OSError as e:\n'
        '    print("ERR", e); sys.exit(3)\n')
    proc = subprocess.run([sys.executable, '-c', code], cwd=REPO,
                          capture_output=True, text=True)
    assert proc.returncode == 3, proc.stderr
    assert str(target) in proc.stdout and 'EFBIG' in proc.stdout
    assert 'nothing was left behind' in proc.stdout
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ['backbone.pth']
