"""PlateauExitHook: the iteration at which a run leaves its initial loss
plateau, in a real MMEngine run (a model whose loss follows a script),
kept across a resume."""
import json

import numpy as np
import pytest
import torch
from mmengine.model import BaseModel
from mmengine.runner import Runner

import oclip_mmocr  # noqa: F401  registers the hook
from mmocr.registry import HOOKS
from oclip_mmocr.engine.hooks.plateau_exit_hook import PlateauTracker


class ScriptedLoss(BaseModel):
    """Its loss at iteration i is ``script[i]`` (one parameter, so that an
    optimiser has something to step)."""

    def __init__(self, script):
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(1))
        self.script = list(script)
        self.calls = 0

    def forward(self, inputs, data_samples=None, mode='loss'):
        value = self.script[min(self.calls, len(self.script) - 1)]
        self.calls += 1
        return dict(loss=self.w.sum() * 0 + value)


def _runner(tmp_path, script, max_iters, resume=False, **hook):
    data = [dict(inputs=torch.zeros(1))] * 4
    return Runner(
        model=ScriptedLoss(script),
        work_dir=str(tmp_path),
        train_dataloader=dict(dataset=data, batch_size=1,
                              sampler=dict(type='InfiniteSampler'),
                              collate_fn=dict(type='default_collate')),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.)),
        train_cfg=dict(by_epoch=False, max_iters=max_iters),
        default_hooks=dict(checkpoint=dict(type='CheckpointHook',
                                           by_epoch=False, interval=40)),
        custom_hooks=[dict(type='PlateauExitHook', **hook)],
        resume=resume,
        default_scope='mmocr')


def _hook(runner):
    return next(h for h in runner.hooks if type(h).__name__ ==
                'PlateauExitHook')


def test_exit_iteration_of_a_scripted_plateau(tmp_path):
    # 50 iterations at 3.0, then 0.5: the mean of the last 20 is below
    # 0.8 x 3.0 once 5 of them are at 0.5 (3 - 2.5k/20 < 2.4): iteration 55.
    script = [3.] * 50 + [.5] * 50
    runner = _runner(tmp_path / 'a', script, 100)
    runner.train()
    rec = json.loads((tmp_path / 'a' / 'plateau.json').read_text())
    assert rec['exit_iter'] == 55
    assert rec['plateau_level'] == pytest.approx(3.)
    assert rec['final_level'] == pytest.approx(.5)
    assert rec['max_iters'] == 100 and rec['loss_key'] == 'loss'
    # Never leaving it is recorded as None.
    runner = _runner(tmp_path / 'b', [3.] * 60 + [2.5] * 40, 100)
    runner.train()
    rec = json.loads((tmp_path / 'b' / 'plateau.json').read_text())
    assert rec['exit_iter'] is None and rec['final_level'] == \
        pytest.approx(2.5)


def test_resumed_run_keeps_the_record(tmp_path):
    script = [3.] * 50 + [.5] * 50
    first = _runner(tmp_path, script, 40)
    first.train()  # checkpoint at iteration 40, still on the plateau
    assert _hook(first).exit_iter is None
    second = _runner(tmp_path, script[40:], 100, resume=True)
    second.train()
    rec = json.loads((tmp_path / 'plateau.json').read_text())
    # The same iteration as the uninterrupted run: the window and the
    # level came back from the checkpoint.
    assert rec['exit_iter'] == 55
    assert rec['plateau_level'] == pytest.approx(3.)


# DBNet's shape: a fast fall to a constant map (5 -> 3 here), a long flat
# stretch, then the real descent.
FALL_FLAT_DESCENT = [5.] * 20 + [2.9] * 100 + [.5] * 40


def test_stall_level_skips_the_initial_fall(tmp_path):
    # Read at the start, the level is 5 and the fall itself counts as the
    # exit: 5 - 2.1k/20 < 4 once k = 10 values are at 2.9 (iteration 30).
    runner = _runner(tmp_path / 'start', FALL_FLAT_DESCENT, 160)
    runner.train()
    rec = json.loads((tmp_path / 'start' / 'plateau.json').read_text())
    assert rec['exit_iter'] == 30 and rec['plateau_level'] == 5.
    # Read where it stalls: block 21-40 fell 40 % from block 1-20, block
    # 41-60 by 0 %: level 2.9 at iteration 60; out once
    # 2.9 - 2.4k/20 < 0.8 x 2.9, k = 5 values at 0.5 (iteration 125).
    runner = _runner(tmp_path / 'stall', FALL_FLAT_DESCENT, 160,
                     level_at='stall')
    runner.train()
    rec = json.loads((tmp_path / 'stall' / 'plateau.json').read_text())
    assert rec['plateau_level'] == pytest.approx(2.9)
    assert rec['level_iter'] == 60 and rec['exit_iter'] == 125
    assert rec['level_at'] == 'stall'


def test_stall_level_survives_a_resume_before_it_is_read(tmp_path):
    first = _runner(tmp_path, FALL_FLAT_DESCENT, 40, level_at='stall')
    first.train()  # checkpoint at 40: one block seen, no level yet
    assert _hook(first).tracker.level is None
    second = _runner(tmp_path, FALL_FLAT_DESCENT[40:], 160, resume=True,
                     level_at='stall')
    second.train()
    rec = json.loads((tmp_path / 'plateau.json').read_text())
    assert rec['level_iter'] == 60 and rec['exit_iter'] == 125


def test_tracker_on_a_loss_that_never_settles_or_never_leaves():
    # 10 % lower every block: never settles, so no plateau (exit 0).
    falling = PlateauTracker(window=20, level_at='stall')
    for i in range(200):
        falling.push(3. * 0.9 ** (i / 20))
    assert falling.level is None and falling.record()['exit_iter'] == 0
    # Under the 'start' rule the same loss leaves its first level once the
    # rolling mean is below 0.8 of it.
    start = PlateauTracker(window=20)
    for i in range(200):
        start.push(3. * 0.9 ** (i / 20))
    assert start.exit_iter is not None and start.exit_iter > 20
    # Settled and never off the plateau: None, whatever the noise.
    rng = np.random.default_rng(0)
    flat = PlateauTracker(window=20, level_at='stall')
    for v in [4.] * 20 + list(3. + 0.2 * rng.standard_normal(300)):
        flat.push(v)
    assert flat.level == pytest.approx(3., abs=0.1)
    assert flat.record()['exit_iter'] is None
    # Too short to tell: not called a missing plateau.
    short = PlateauTracker(window=20, level_at='stall')
    for v in [3.] * 30:
        short.push(v)
    assert short.record()['exit_iter'] is None


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match='window'):
        HOOKS.build(dict(type='PlateauExitHook', window=0))
    with pytest.raises(ValueError, match='ratio'):
        HOOKS.build(dict(type='PlateauExitHook', ratio=1.5))
    with pytest.raises(ValueError, match='level_at'):
        HOOKS.build(dict(type='PlateauExitHook', level_at='end'))
    with pytest.raises(ValueError, match='stall'):
        HOOKS.build(dict(type='PlateauExitHook', stall=0.))
