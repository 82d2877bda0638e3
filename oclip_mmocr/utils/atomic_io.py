# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Writes that a kill or a full disk cannot leave half done.

Every file a later step reads (runner checkpoints, ``last_checkpoint``,
``backbone.pth``, converter and export outputs) is written to a temporary
name in its own directory, flushed and fsynced, then moved over the target
with ``os.replace`` (atomic on POSIX). A kill leaves the old file (or none)
and at most a ``.<name>.tmp-*`` file, which readers ignore; a failed write
removes its temporary file and raises an ``OSError`` naming the target and
the errno.
"""
import errno as errno_codes
import io
import os
import os.path as osp
import tempfile
from contextlib import contextmanager
from typing import IO, Callable, Iterator, Union

TMP_MARK = '.tmp-'


def is_temporary(path: str) -> bool:
    """A leftover of an interrupted atomic write."""
    name = osp.basename(path)
    return name.startswith('.') and TMP_MARK in name


def _write_chunks(f: IO[bytes], data: bytes, chunk: int = 1 << 20) -> None:
    """Write in chunks (tests slow this down to kill a write midway)."""
    view = memoryview(data)
    for i in range(0, len(view), chunk):
        f.write(view[i:i + chunk])


@contextmanager
def atomic_open(path: str, mode: str = 'wb',
                encoding: str = None) -> Iterator[IO]:
    """``open(path, mode)`` whose content appears at ``path`` only once it
    is complete and on disk."""
    path = os.fspath(path)
    directory = osp.dirname(osp.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f'.{osp.basename(path)}{TMP_MARK}', dir=directory)
    try:
        with os.fdopen(fd, mode, encoding=encoding) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        try:  # make the rename itself durable
            dir_fd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except OSError:
            pass
    except BaseException as e:
        try:
            os.remove(tmp)
        except OSError:
            pass
        if isinstance(e, OSError) and not getattr(e, '_oclip_named', False):
            code = errno_codes.errorcode.get(e.errno, str(e.errno))
            err = OSError(e.errno, f'could not write {path} ({code}: '
                          f'{e.strerror or e}); nothing was left behind')
            err.filename = path
            err._oclip_named = True
            raise err from e
        raise


def atomic_write_bytes(data: bytes, path: str) -> None:
    with atomic_open(path, 'wb') as f:
        _write_chunks(f, data)


def atomic_write_text(text: str, path: str, encoding: str = 'utf-8') -> None:
    atomic_write_bytes(text.encode(encoding), path)


def atomic_save(obj, path: Union[str, os.PathLike],
                saver: Callable = None) -> None:
    """``torch.save(obj, path)``, atomically."""
    import torch
    buffer = io.BytesIO()
    (saver or torch.save)(obj, buffer)
    atomic_write_bytes(buffer.getvalue(), os.fspath(path))
