"""PlateauExitHook: the iteration at which a run leaves its initial loss
plateau, in a real MMEngine run (a model whose loss follows a script),
kept across a resume."""
import json

import pytest
import torch
from mmengine.model import BaseModel
from mmengine.runner import Runner

import oclip_mmocr  # noqa: F401  registers the hook
from mmocr.registry import HOOKS


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


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match='window'):
        HOOKS.build(dict(type='PlateauExitHook', window=0))
    with pytest.raises(ValueError, match='ratio'):
        HOOKS.build(dict(type='PlateauExitHook', ratio=1.5))
