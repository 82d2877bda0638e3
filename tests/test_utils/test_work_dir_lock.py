"""The work-dir lock: held by a live process it refuses, naming the holder;
the holder killed (SIGKILL: no clean-up ran) it is taken over."""
import os
import signal
import subprocess
import sys
import time

import pytest

from oclip_mmocr.utils.work_dir_lock import (LOCK_NAME, WorkDirBusyError,
                                             acquire, read_holder, release)
from tests.helpers import REPO

HOLD = ('import sys, time; from oclip_mmocr.utils.work_dir_lock import '
        'acquire; acquire(sys.argv[1]); print("held", flush=True); '
        'time.sleep(120)')


def _holder(work_dir):
    proc = subprocess.Popen([sys.executable, '-c', HOLD, str(work_dir)],
                            cwd=REPO, stdout=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONPATH=REPO))
    assert proc.stdout.readline().strip() == 'held'
    return proc


def test_a_live_holder_refuses_a_second_run(tmp_path):
    proc = _holder(tmp_path)
    try:
        with pytest.raises(WorkDirBusyError) as e:
            acquire(str(tmp_path))
        msg = str(e.value)
        assert f'PID {proc.pid}' in msg and str(tmp_path) in msg
        assert '--work-dir' in msg
    finally:
        proc.kill()
        proc.wait()
    # Killed with no chance to clean up: the kernel released the lock.
    note = acquire(str(tmp_path))
    assert note and f'PID {proc.pid}' in note and 'has ended' in note
    assert read_holder(str(tmp_path))['pid'] == os.getpid()
    release(str(tmp_path))


def test_reentry_and_release_in_one_process(tmp_path):
    assert acquire(str(tmp_path)) is None
    # A runner of this process that died by an exception cannot release:
    # the next one takes over instead of refusing itself.
    assert acquire(str(tmp_path)) is None
    release(str(tmp_path))
    release(str(tmp_path))  # twice is harmless
    assert (tmp_path / LOCK_NAME).is_file()  # names its last holder
    proc = _holder(tmp_path)  # released: another process can take it
    proc.send_signal(signal.SIGKILL)
    proc.wait()
