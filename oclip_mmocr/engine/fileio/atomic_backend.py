# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""MMEngine's local file backend with atomic writes.

Selected with ``backend_args=dict(backend='atomic_local')`` (the checkpoint
hooks of our configs do), it is what ``Runner.save_checkpoint`` writes
checkpoints through; reads, listings and removals are the local backend's.
"""
from pathlib import Path
from typing import Union

from mmengine.fileio import LocalBackend, register_backend

from oclip_mmocr.utils.atomic_io import atomic_write_bytes

BACKEND = 'atomic_local'


@register_backend(BACKEND, force=True)
class AtomicLocalBackend(LocalBackend):
    """:class:`LocalBackend` whose ``put``/``put_text`` write to a temporary
    file, fsync it and rename it over the target."""

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        atomic_write_bytes(obj, str(filepath))

    def put_text(self, obj: str, filepath: Union[str, Path],
                 encoding: str = 'utf-8') -> None:
        atomic_write_bytes(obj.encode(encoding), str(filepath))
