"""PreciseBNHook / recompute_bn_stats: BN running statistics replaced by
their equal-weight average over many batches, checked against statistics
computed by hand, in real MMEngine runs (epoch- and iteration-based)."""
import pytest
import torch
from mmengine.model import BaseModel
from mmengine.runner import Runner
from torch import nn

import oclip_mmocr  # noqa: F401  registers the hook
from oclip_mmocr.engine.hooks import recompute_bn_stats
from oclip_mmocr.engine.hooks.precise_bn_hook import cycle_batches

torch.manual_seed(0)
# 8 images of 3 x 4 x 4 whose channels have different means and scales.
DATA = torch.randn(8, 3, 4, 4) * torch.tensor([1., 3., .5])[:, None, None] \
    + torch.tensor([0., 5., -2.])[:, None, None]


class ConvBN(BaseModel):
    """conv -> BN (statistics recomputed) -> frozen BN (kept in eval mode
    by ``train()``, as MMDet's ``norm_eval`` keeps a trunk's); a BN branch
    that only the loss runs (as DBNet's threshold map)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 1)
        self.bn = nn.BatchNorm2d(3)
        self.frozen = nn.BatchNorm2d(3)
        self.loss_only = nn.BatchNorm2d(3)

    def train(self, mode=True):
        super().train(mode)
        self.frozen.eval()
        return self

    def forward(self, inputs, data_samples=None, mode='loss'):
        out = self.frozen(self.bn(self.conv(inputs)))
        if mode == 'tensor':
            return out
        return dict(loss=(out - 1).pow(2).mean() +
                    self.loss_only(inputs).mean() * 0)


def batches(idx_groups):
    return [dict(inputs=DATA[list(g)]) for g in idx_groups]


def expected_stats(model, idx_groups):
    """Mean over batches of the batch mean and of the unbiased batch
    variance of ``model.conv``'s output (what BN averages)."""
    with torch.no_grad():
        feats = [model.conv(DATA[list(g)]) for g in idx_groups]
    means = torch.stack([f.mean((0, 2, 3)) for f in feats])
    vars_ = torch.stack([f.transpose(0, 1).reshape(3, -1).var(1)
                         for f in feats])
    return means.mean(0), vars_.mean(0)


def test_statistics_are_the_equal_weight_average_of_the_batches():
    model = ConvBN()
    model.loss_only.running_mean.fill_(2.)
    model.loss_only.num_batches_tracked.fill_(9)
    frozen = {k: v.clone() for k, v in model.frozen.state_dict().items()}
    weights = {k: v.clone() for k, v in model.named_parameters()}
    groups = [(0, 1), (2, 3), (4, 5), (6, 7), (0, 1)]
    seen = recompute_bn_stats(model, batches(groups), num_batches=4)
    assert seen == 4  # stops at num_batches, not at the loader's end
    mean, var = expected_stats(model, groups[:4])
    torch.testing.assert_close(model.bn.running_mean, mean)
    torch.testing.assert_close(model.bn.running_var, var)
    assert int(model.bn.num_batches_tracked) == 4
    # The EMA momentum is back, no learned weight moved, the frozen
    # layer kept its statistics, and the model's mode is restored.
    assert model.bn.momentum == 0.1
    for k, v in model.named_parameters():
        assert torch.equal(v, weights[k])
    for k, v in model.frozen.state_dict().items():
        assert torch.equal(v, frozen[k])
    # The branch the pass did not run keeps its statistics, not 0 / 1.
    assert torch.equal(model.loss_only.running_mean, torch.full((3,), 2.))
    assert int(model.loss_only.num_batches_tracked) == 9
    assert model.training


def test_a_short_loader_averages_what_it_has_and_eval_mode_is_kept():
    model = ConvBN().eval()
    assert recompute_bn_stats(model, batches([(0, 1, 2)]), 10) == 1
    mean, var = expected_stats(model, [(0, 1, 2)])
    torch.testing.assert_close(model.bn.running_mean, mean)
    torch.testing.assert_close(model.bn.running_var, var)
    assert not model.training


def test_a_failure_half_way_restores_the_old_statistics():
    model = ConvBN()
    model.bn.running_mean.fill_(3.)
    model.bn.num_batches_tracked.fill_(7)

    def broken():
        yield dict(inputs=DATA[:2])
        raise OSError('image 3 unreadable')

    with pytest.raises(OSError, match='unreadable'):
        recompute_bn_stats(model, broken(), 5)
    assert torch.equal(model.bn.running_mean, torch.full((3,), 3.))
    assert int(model.bn.num_batches_tracked) == 7
    assert model.bn.momentum == 0.1
    with pytest.raises(ValueError, match='yielded no batch'):
        recompute_bn_stats(model, [], 5)
    assert torch.equal(model.bn.running_mean, torch.full((3,), 3.))
    with pytest.raises(ValueError, match='num_batches'):
        recompute_bn_stats(model, batches([(0, 1)]), 0)


def test_cycle_batches_starts_over_and_ends_on_an_empty_loader():
    got = [b for _, b in zip(range(5), cycle_batches([1, 2]))]
    assert got == [1, 2, 1, 2, 1]
    assert list(cycle_batches([])) == []


def _runner(tmp_path, by_epoch, hook, workers=0, **train):
    loader = dict(dataset=[dict(inputs=x) for x in DATA], batch_size=2,
                  sampler=dict(type='DefaultSampler' if by_epoch else
                               'InfiniteSampler', shuffle=False),
                  num_workers=workers, persistent_workers=workers > 0,
                  collate_fn=dict(type='default_collate'))
    return Runner(
        model=ConvBN(), work_dir=str(tmp_path), train_dataloader=loader,
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
        train_cfg=dict(by_epoch=by_epoch, **train),
        default_hooks=dict(checkpoint=dict(type='CheckpointHook',
                                           by_epoch=by_epoch, interval=1)),
        custom_hooks=[dict(type='PreciseBNHook', **hook)],
        default_scope='mmocr', randomness=dict(seed=0))


def _bn(path):
    state = torch.load(path, weights_only=False)['state_dict']
    return state['bn.running_mean'], state['bn.running_var'], \
        int(state['bn.num_batches_tracked'])


def _assert_recomputed(path, model, groups):
    """The checkpoint's BN statistics are those of ``groups`` under the
    model's final weights; returns the running mean."""
    mean, var, n = _bn(path)
    assert n == len(groups)
    exp_mean, exp_var = expected_stats(model, groups)
    torch.testing.assert_close(mean, exp_mean)
    torch.testing.assert_close(var, exp_var)
    return mean


def test_hook_in_an_epoch_based_run(tmp_path):
    runner = _runner(tmp_path, True, dict(num_images=6), max_epochs=2)
    runner.train()
    # Epoch 1 keeps the EMA (4 training steps); the last epoch's checkpoint
    # carries the statistics of 3 batches (6 images) under the final
    # weights, the first 3 batches of the unshuffled loader.
    assert _bn(tmp_path / 'epoch_1.pth')[2] == 4
    mean = _assert_recomputed(tmp_path / 'epoch_2.pth', runner.model,
                              [(0, 1), (2, 3), (4, 5)])
    # The EMA statistics it replaced were measurably different.
    assert not torch.allclose(_bn(tmp_path / 'epoch_1.pth')[0], mean,
                              atol=1e-3)
    # interval=1 recomputes after every epoch.
    runner = _runner(tmp_path / 'every', True, dict(num_images=2,
                                                    interval=1),
                     max_epochs=2)
    runner.train()
    assert _bn(tmp_path / 'every' / 'epoch_1.pth')[2] == 1


def test_hook_with_its_own_batch_size(tmp_path):
    # The training loader's batch is 2; the statistics pass takes batches
    # of 4 (all 8 images in two batches), shuffled with the run's seed.
    from mmengine.dataset import DefaultSampler
    runner = _runner(tmp_path, True, dict(num_images=8, batch_size=4),
                     max_epochs=2)
    runner.train()
    mean, var, n = _bn(tmp_path / 'epoch_2.pth')
    assert n == 2
    sampler = DefaultSampler(list(range(8)), shuffle=True, seed=runner.seed)
    sampler.set_epoch(1)
    order = list(sampler)
    exp_mean, exp_var = expected_stats(runner.model, [order[:4], order[4:]])
    torch.testing.assert_close(mean, exp_mean)
    torch.testing.assert_close(var, exp_var)
    # Not what batches of 2 in the training order give.
    _, var2 = expected_stats(runner.model, [(0, 1), (2, 3), (4, 5), (6, 7)])
    assert not torch.allclose(var, var2, rtol=1e-2)


def test_hook_in_an_iteration_based_run(tmp_path):
    # 6 iterations consume samples 0..11 (mod 8) of the loop's iterator;
    # the hook continues it: samples 12..17 = (4, 5), (6, 7), (0, 1). With
    # a persistent worker that has prefetched batches ahead, a second
    # iterator over the loader would reset it and skip or repeat batches.
    runner = _runner(tmp_path, False, dict(num_images=6), workers=1,
                     max_iters=6)
    runner.train()
    assert _bn(tmp_path / 'iter_5.pth')[2] == 5  # EMA before the end
    _assert_recomputed(tmp_path / 'iter_6.pth', runner.model,
                       [(4, 5), (6, 7), (0, 1)])


def test_bad_arguments_are_refused():
    from oclip_mmocr.engine.hooks import PreciseBNHook
    with pytest.raises(ValueError, match='num_images'):
        PreciseBNHook(num_images=0)
    with pytest.raises(ValueError, match='interval'):
        PreciseBNHook(interval=-1)
    with pytest.raises(ValueError, match='batch_size'):
        PreciseBNHook(batch_size=0)
