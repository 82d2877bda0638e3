"""utils/cli.py: under --launcher pytorch without a GPU, the surviving rank
exits within the configured timeout when another rank dies."""
import signal
import socket
import subprocess
import sys
import time

import pytest

from tests.helpers import REPO
from tests.crash_helpers import (crash_cfg,
                                 dump, env_with_repo)


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_surviving_rank_exits_when_a_rank_dies(tmp_path, synthetic_root):
    """Two gloo processes on the CPU; rank 1 is SIGKILLed mid-training. Rank
    0 must stop within the process-group timeout of the config (20 s here),
    not hang until a cluster's wall-clock limit."""
    timeout = 20
    cfg = crash_cfg(tmp_path / 'work', synthetic_root, epochs=1000, batch=2)
    cfg.env_cfg.dist_cfg = dict(backend='gloo', timeout=timeout)
    cfg.model_wrapper_cfg = dict(type='MMDistributedDataParallel',
                                 device_ids=None)
    config = dump(cfg, tmp_path / 'cfg.py')
    port = _free_port()
    procs = []
    for rank in (0, 1):
        env = dict(env_with_repo(), RANK=str(rank), LOCAL_RANK=str(rank),
                   WORLD_SIZE='2', MASTER_ADDR='127.0.0.1',
                   MASTER_PORT=str(port), OMP_NUM_THREADS='1')
        log = open(tmp_path / f'rank{rank}.log', 'w')
        procs.append(subprocess.Popen(
            [sys.executable, 'tools/train.py', config, '--launcher',
             'pytorch'], cwd=REPO, env=env, stdout=log,
            stderr=subprocess.STDOUT))
    deadline = time.time() + 240
    while time.time() < deadline:
        if 'Epoch(train)' in (tmp_path / 'rank0.log').read_text():
            break
        assert procs[0].poll() is None, (tmp_path / 'rank0.log').read_text()
        time.sleep(0.5)
    else:
        pytest.fail('the 2-process run never started training')
    procs[1].send_signal(signal.SIGKILL)
    killed = time.time()
    try:
        procs[0].wait(timeout=timeout + 40)
    except subprocess.TimeoutExpired:
        procs[0].kill()
        pytest.fail(f'rank 0 still running {timeout + 40} s after rank 1 '
                    'died')
    waited = time.time() - killed
    assert procs[0].returncode != 0
    assert waited < timeout + 40, waited
