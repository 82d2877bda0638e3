# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Batch-norm statistics recomputed over many training images ("precise BN",
Wu & Johnson, "Rethinking 'Batch' in BatchNorm", 2021).

During training a BN layer keeps an exponential moving average of the
statistics of each batch. With a batch of one or two crops (the embedded
study's DBNet, or a large model on one GPU) those batch statistics are
noisy, and the running average also lags behind weights that moved at every
step, so a model evaluated with them may score below what its weights can
do. Recomputing the running statistics with the final weights, averaged
with equal weight over many batches, removes both effects without touching
a single learned parameter.
"""
import math
from typing import Iterable, List, Optional

import torch
from mmengine.dataset import DefaultSampler
from mmengine.dist import is_distributed
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.runner import IterBasedTrainLoop
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm
from torch.utils.data import DataLoader

from mmocr.registry import HOOKS


def bn_layers(model: nn.Module) -> List[_BatchNorm]:
    """Every BN layer of ``model`` that tracks running statistics and takes
    them from batches (a frozen layer in eval mode is left alone)."""
    return [m for m in model.modules()
            if isinstance(m, _BatchNorm) and m.track_running_stats
            and m.training]


@torch.no_grad()
def recompute_bn_stats(model: nn.Module, batches: Iterable[dict],
                       num_batches: int) -> int:
    """Replace the running statistics of ``model``'s BN layers by their
    equal-weight average over ``num_batches`` batches.

    Args:
        model (nn.Module): An MMEngine model (``data_preprocessor`` and
            ``forward(inputs, data_samples, mode='tensor')``), in train mode
            for the layers whose statistics are recomputed: a layer that the
            model keeps in eval mode (``norm_eval``, frozen stages) keeps
            its statistics.
        batches (Iterable[dict]): Data loader batches (``inputs``,
            ``data_samples``) as the training loop receives them.
        num_batches (int): How many batches to average; fewer if
            ``batches`` runs out first.

    A BN layer that the tensor-mode forward does not run (a branch only the
    loss uses, such as DBNet's threshold map) keeps its statistics.

    Returns:
        int: The number of batches averaged.

    Raises:
        ValueError: ``num_batches`` < 1, or ``batches`` yields nothing.
    """
    if num_batches < 1:
        raise ValueError(f'num_batches must be >= 1, got {num_batches}')
    was_training = model.training
    model.train()
    layers = bn_layers(model)
    if not layers:
        model.train(was_training)
        return 0
    saved = [(m.momentum, m.running_mean.clone(), m.running_var.clone(),
              m.num_batches_tracked.clone()) for m in layers]
    for m in layers:
        m.reset_running_stats()
        # momentum=None makes PyTorch keep the cumulative (equal-weight)
        # average over the batches seen since the reset.
        m.momentum = None
    seen = 0
    try:
        for data in batches:
            if seen >= num_batches:
                break
            data = model.data_preprocessor(data, True)
            model(**data, mode='tensor')
            seen += 1
    except BaseException:
        # A failure half-way must not leave half-averaged statistics.
        for m, old in zip(layers, saved):
            _restore(m, old)
        raise
    finally:
        for m, (mom, *_) in zip(layers, saved):
            m.momentum = mom
        model.train(was_training)
    if seen == 0:
        for m, old in zip(layers, saved):
            _restore(m, old)
        raise ValueError('recompute_bn_stats: the data loader yielded no '
                         'batch; the statistics were left as they were')
    # A branch that only the loss runs (DBNet's threshold map) saw no
    # batch: it keeps its statistics instead of the reset's 0 / 1.
    missed = 0
    for m, old in zip(layers, saved):
        if int(m.num_batches_tracked) == 0:
            _restore(m, old)
            missed += 1
    if missed:
        print_log(f'recompute_bn_stats: {missed} of {len(layers)} BN layers '
                  "are not run by the model's tensor-mode forward and kept "
                  'their statistics', logger='current')
    return seen


def _restore(m: _BatchNorm, saved: tuple) -> None:
    """Put back a layer's statistics saved before the pass."""
    _, mean, var, n = saved
    m.running_mean.copy_(mean)
    m.running_var.copy_(var)
    m.num_batches_tracked.copy_(n)


@HOOKS.register_module()
class PreciseBNHook(Hook):
    """Recompute BN running statistics with the current weights before the
    last checkpoint (and, with ``interval``, periodic ones) is saved.

    The statistics come from ``num_images`` training images through the
    training transforms, so the checkpoint and the validation that follow
    use them: from the runner's training loader itself, or with
    ``batch_size`` from a loader over the same dataset in batches of that
    size (shuffled with the run's seed). Under a distributed launcher every
    rank averages its own batches; a ``SyncBatchNorm`` layer averages
    across ranks at each batch as it does in training.

    Args:
        num_images (int): Training images averaged over (rounded up to
            whole batches). Defaults to 200.
        interval (int): Recompute every ``interval`` epochs (iterations
            for an iteration-based loop) and after the last one; 0 for
            after the last one only. Defaults to 0.
        batch_size (int, optional): Batch size of the statistics pass; None
            for the training loader's. A variance is averaged per batch, so
            a batch of 1 leaves out the spread between images: a larger
            batch estimates the population's. Defaults to None.
    """

    # Before CheckpointHook (VERY_LOW) saves the epoch and before the
    # validation loop that follows it.
    priority = 'NORMAL'

    def __init__(self, num_images: int = 200, interval: int = 0,
                 batch_size: Optional[int] = None) -> None:
        if batch_size is not None and batch_size < 1:
            raise ValueError(f'PreciseBNHook: batch_size must be >= 1, got '
                             f'{batch_size}')
        if num_images < 1:
            raise ValueError(f'PreciseBNHook: num_images must be >= 1, got '
                             f'{num_images}')
        if interval < 0:
            raise ValueError(f'PreciseBNHook: interval must be >= 0, got '
                             f'{interval}')
        self.num_images = num_images
        self.interval = interval
        self.batch_size = batch_size

    def _due(self, done: int, total: int) -> bool:
        return done >= total or (self.interval > 0
                                 and done % self.interval == 0)

    def after_train_epoch(self, runner) -> None:
        # runner.epoch is incremented after this hook. An iteration-based
        # loop also calls it once at its end: handled per iteration.
        if not _by_iter(runner) and \
                self._due(runner.epoch + 1, runner.max_epochs):
            self._recompute(runner)

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        if _by_iter(runner) and self._due(runner.iter + 1, runner.max_iters):
            self._recompute(runner)

    def _stats_loader(self, runner) -> DataLoader:
        """A loader over the training set in batches of ``batch_size``."""
        train = runner.train_dataloader
        sampler = DefaultSampler(train.dataset, shuffle=True,
                                 seed=runner.seed)
        sampler.set_epoch(runner.epoch)
        # The training loader's worker seeding too (MMEngine seeds NumPy
        # and random per worker, so augmentations differ across workers).
        return DataLoader(train.dataset, batch_size=self.batch_size,
                          sampler=sampler, num_workers=train.num_workers,
                          collate_fn=train.collate_fn,
                          worker_init_fn=train.worker_init_fn)

    def _recompute(self, runner) -> None:
        model = runner.model
        model = getattr(model, 'module', model)
        if self.batch_size is not None:
            loader = self._stats_loader(runner)
            batches = cycle_batches(loader)
        else:
            loader = runner.train_dataloader
            # An iteration-based loop keeps one iterator over its loader; a
            # second one would reset a persistent-worker loader under it, so
            # its own iterator lends the batches (training then continues
            # from there). At an epoch's end the epoch's iterator is spent.
            batches = (runner.train_loop.dataloader_iterator
                       if _by_iter(runner) else cycle_batches(loader))
        batch = loader.batch_size or 1
        num_batches = math.ceil(self.num_images / batch)
        seen = recompute_bn_stats(model, batches, num_batches)
        layers = sum(int(m.num_batches_tracked) == seen
                     for m in bn_layers(model))
        runner.logger.info(
            f'PreciseBNHook: BN statistics of {layers} layers recomputed '
            f'over {seen} batches of {batch} '
            f'({seen * batch} images'
            f'{", per rank" if is_distributed() else ""})')


def _by_iter(runner) -> bool:
    return isinstance(runner.train_loop, IterBasedTrainLoop)


def cycle_batches(loader):
    """Batches of ``loader``, starting over when an epoch runs out (a
    training set smaller than ``num_images``)."""
    while True:
        empty = True
        for data in loader:
            empty = False
            yield data
        if empty:
            return
