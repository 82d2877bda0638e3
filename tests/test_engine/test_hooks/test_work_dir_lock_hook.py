"""WorkDirLockHook: two runs started at once on one work dir: one trains,
the other stops before touching a checkpoint, saying which run holds the
work dir."""
import os
import subprocess
import sys

import pytest

from tests.crash_helpers import crash_cfg, dump, env_with_repo
from tests.helpers import REPO


@pytest.mark.slow
def test_two_concurrent_runs_on_one_work_dir(tmp_path, synthetic_root):
    work = tmp_path / 'work'
    cfg = crash_cfg(work, synthetic_root, epochs=30)
    assert any(h['type'] == 'WorkDirLockHook' for h in cfg.custom_hooks)
    config = dump(cfg, tmp_path / 'cfg.py')
    cmd = [sys.executable, 'tools/train.py', config]
    procs = [subprocess.Popen(cmd, cwd=REPO, env=env_with_repo(),
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=600)[0] for p in procs]
    codes = [p.returncode for p in procs]
    assert codes.count(0) == 1, (codes, [o[-1500:] for o in outs])
    winner = codes.index(0)
    loser, winner_pid = outs[1 - winner], procs[winner].pid
    assert 'WorkDirBusyError' in loser and f'PID {winner_pid}' in loser
    # The winner's run is whole: every epoch checkpoint it keeps, one
    # marker naming its last one.
    assert (work / 'epoch_30.pth').is_file()
    assert (work / 'last_checkpoint').read_text().strip().endswith(
        'epoch_30.pth')
