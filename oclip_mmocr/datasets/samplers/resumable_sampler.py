# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from typing import Iterator

from mmengine.dataset import DefaultSampler

from mmocr.registry import DATA_SAMPLERS


@DATA_SAMPLERS.register_module()
class ResumableSampler(DefaultSampler):
    """MMEngine's :class:`DefaultSampler` that can start an epoch part-way.

    The order of an epoch depends only on ``seed + epoch`` (as in
    :class:`DefaultSampler`), so after a resume from a checkpoint saved
    mid-epoch, :class:`ResumableEpochBasedTrainLoop` asks for the rest of
    that epoch with :meth:`skip_next`: the next iteration over the sampler
    drops the samples already trained (this rank's share), without loading
    them.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._skip = 0

    def skip_next(self, num_samples: int) -> None:
        """Drop the first ``num_samples`` indices of the next epoch only."""
        self._skip = max(int(num_samples), 0)

    def __iter__(self) -> Iterator[int]:
        indices = list(super().__iter__())
        skip, self._skip = self._skip, 0
        return iter(indices[skip:])
