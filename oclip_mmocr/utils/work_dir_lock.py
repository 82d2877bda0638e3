# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""One run per work dir.

Two runs on one work dir interleave their checkpoints and overwrite each
other's ``last_checkpoint``; neither notices. The lock is an advisory
``flock`` on ``<work_dir>/.run.lock``, held by the open file for the run's
lifetime: the kernel releases it when the holder exits, however it exits
(SIGKILL and OOM included), so a dead run never leaves a lock that blocks
the next one. The file records who holds it (host, PID, process start,
time, command) so that a refused run can say which run is in the way, and
a new holder can say that it replaced a dead one.
"""
import fcntl
import json
import os
import os.path as osp
import socket
import sys
import time
from typing import Dict, Optional

LOCK_NAME = '.run.lock'

#: Locks this process holds, by real path: a runner that died by an
#: exception inside a process that goes on (a notebook, a test) cannot
#: release its lock, and the next runner of the same process takes it over.
_HELD: Dict[str, int] = {}


class WorkDirBusyError(RuntimeError):
    """Another live run holds the work dir."""


def _start_time(pid: int) -> Optional[str]:
    """The process's start (clock ticks since boot, Linux), which tells a
    live holder from a new process that reused its PID."""
    try:
        with open(f'/proc/{pid}/stat') as f:
            return f.read().rsplit(')', 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def pid_alive(pid: int, start: Optional[str] = None) -> bool:
    """Whether process ``pid`` (of this host) still runs, and is the same
    process when its ``start`` time was recorded."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return start is None or _start_time(pid) in (None, start)


def read_holder(work_dir: str) -> Optional[dict]:
    """What the lock file says of its (last) holder, or None."""
    try:
        with open(osp.join(work_dir, LOCK_NAME), encoding='utf-8') as f:
            return json.loads(f.read() or 'null')
    except (OSError, ValueError):
        return None


def _describe(holder: Optional[dict]) -> str:
    if not holder:
        return 'another process'
    return (f"PID {holder.get('pid')} on {holder.get('host')} (started "
            f"{holder.get('time')}: {holder.get('command', '?')})")


def acquire(work_dir: str) -> Optional[str]:
    """Take the lock of ``work_dir`` for this process.

    Returns:
        str or None: a note when the previous holder recorded in the file
        is gone (a run that died), else None.

    Raises:
        WorkDirBusyError: another live process holds it.
    """
    os.makedirs(work_dir, exist_ok=True)
    path = osp.realpath(osp.join(work_dir, LOCK_NAME))
    if path in _HELD:  # re-entry in this process: the old runner is gone
        release(work_dir)
    previous = read_holder(work_dir)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        holder = read_holder(work_dir)
        where = ''
        if holder and holder.get('host') == socket.gethostname() and \
                not pid_alive(int(holder.get('pid', -1)),
                              holder.get('start')):
            where = (' (its PID is gone, yet the lock is held: a process '
                     'it started, e.g. a data-loader worker, still runs)')
        raise WorkDirBusyError(
            f'{work_dir} is in use by {_describe(holder)}{where}: two runs '
            'on one work dir would overwrite each other\'s checkpoints. '
            'Wait for it, stop it, or give this run another --work-dir.'
        ) from None
    me = dict(host=socket.gethostname(), pid=os.getpid(),
              start=_start_time(os.getpid()),
              time=time.strftime('%Y-%m-%d %H:%M:%S'),
              command=' '.join(sys.argv)[:200])
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(me).encode('utf-8'), 0)
    _HELD[path] = fd
    if previous and previous.get('pid') != os.getpid():
        return (f'took over the lock of {work_dir} last held by '
                f'{_describe(previous)}, which has ended')
    return None


def release(work_dir: str) -> None:
    """Give the lock back (the file stays, naming its last holder)."""
    path = osp.realpath(osp.join(work_dir, LOCK_NAME))
    fd = _HELD.pop(path, None)
    if fd is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
