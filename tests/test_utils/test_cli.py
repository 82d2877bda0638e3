"""utils/cli.py: top-level --cfg-options are config variables only while a
config is parsed; under --launcher pytorch without a GPU, the surviving rank
exits within the configured timeout when another rank dies."""
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from tests.helpers import REPO
from tests.crash_helpers import crash_cfg, dump, env_with_repo


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


def test_config_variables_exist_only_while_parsing(monkeypatch):
    from oclip_mmocr.utils.cli import config_variables
    monkeypatch.setenv('OCLIP_LSVT_DICT', '/user/dict.txt')
    monkeypatch.delenv('OCLIP_LSVT_ROOT', raising=False)
    with config_variables(dict(lsvt_root='/data/LSVT', lsvt_dict='/d.txt',
                               img_size=640, model=dict(type='X'))):
        assert os.environ['OCLIP_LSVT_ROOT'] == '/data/LSVT'
        assert os.environ['OCLIP_LSVT_DICT'] == '/d.txt'
        assert os.environ['OCLIP_IMG_SIZE'] == '640'
        assert 'OCLIP_MODEL' not in os.environ  # not a scalar variable
    assert 'OCLIP_LSVT_ROOT' not in os.environ
    assert os.environ['OCLIP_LSVT_DICT'] == '/user/dict.txt'
    with pytest.raises(RuntimeError):
        with config_variables(dict(lsvt_root='/x')):
            raise RuntimeError('a config that fails to parse')
    assert 'OCLIP_LSVT_ROOT' not in os.environ
