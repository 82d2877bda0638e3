"""NonFiniteLossHook: divergence stops the run before a NaN checkpoint;
skipped AMP steps are tolerated while the weights stay finite."""
import glob

import pytest
import torch
from mmengine.runner import Runner

from oclip_mmocr.engine.hooks import DivergenceError, NonFiniteLossHook
from oclip_mmocr.utils.checkpoint_check import check_finite
from tests.crash_helpers import crash_cfg


@pytest.mark.slow
def test_nan_stops_the_run_without_a_nan_checkpoint(tmp_path,
                                                    synthetic_root):
    work = tmp_path / 'work'
    cfg = crash_cfg(work, synthetic_root, epochs=3, iter_interval=1)
    cfg.custom_imports.imports = ['oclip_mmocr', 'tests.crash_helpers']
    import tests.crash_helpers  # noqa: F401  registers PoisonWeightsHook
    cfg.custom_hooks.append(dict(type='PoisonWeightsHook', at=3))
    runner = Runner.from_cfg(cfg)
    with pytest.raises(DivergenceError) as e:
        runner.train()
    msg = str(e.value)
    assert 'iteration 3 ' in msg and 'loss_char=nan' in msg
    assert 'non-finite weights' in msg
    assert sorted(glob.glob(str(work / 'iter_*.pth'))) == [
        str(work / 'iter_1.pth'), str(work / 'iter_2.pth')]
    for path in (work / 'iter_2.pth', work / 'epoch_1.pth'):
        state = torch.load(path, weights_only=True)['state_dict']
        check_finite(state.items(), str(path))
    check_finite(torch.load(work / 'backbone.pth').items(), 'backbone')

    # Without the guard, the checkpoint hook itself refuses NaN weights.
    work2 = tmp_path / 'work2'
    cfg = crash_cfg(work2, synthetic_root, epochs=3, iter_interval=1)
    cfg.custom_hooks = [h for h in cfg.custom_hooks
                        if h['type'] != 'NonFiniteLossHook']
    cfg.custom_hooks.append(dict(type='PoisonWeightsHook', at=3))
    with pytest.raises(RuntimeError, match='refusing to save a checkpoint '
                       'at iteration 3: non-finite values'):
        Runner.from_cfg(cfg).train()


def test_divergence_guard_tolerates_skipped_amp_steps(tmp_path,
                                                      synthetic_root):
    """``max_skips``: non-finite losses with finite weights (what fp16 AMP's
    loss scaler produces) are tolerated that many times in a row."""
    runner = Runner.from_cfg(crash_cfg(tmp_path, synthetic_root))
    hook = NonFiniteLossHook(max_skips=1)
    nan = dict(loss=torch.tensor(float('nan')), loss_char=torch.tensor(1.))
    ok = dict(loss=torch.tensor(2.), loss_char=torch.tensor(1.))
    hook.after_train_iter(runner, 0, outputs=nan)  # tolerated
    hook.after_train_iter(runner, 1, outputs=ok)  # resets the count
    hook.after_train_iter(runner, 2, outputs=nan)
    with pytest.raises(DivergenceError, match='loss=nan, loss_char=1'):
        hook.after_train_iter(runner, 3, outputs=nan)


class _Runner:
    """What the hook reads of MMEngine's Runner at a non-finite loss."""

    def __init__(self):
        from mmengine.logging import MMLogger
        self.iter, self.epoch = 6, 1
        self.model = torch.nn.Linear(2, 2)
        self.logger = MMLogger.get_current_instance()


def test_python_numbers_among_the_log_vars_are_read():
    """A model may log plain Python numbers next to its loss tensors; they
    are checked like the tensors (an AttributeError stopped every run that
    logged one)."""
    outputs = dict(loss=torch.tensor(2.5), acc=0.75, count=3,
                   per_class=torch.ones(4))
    assert NonFiniteLossHook._values(outputs) == dict(loss=2.5, acc=0.75,
                                                      count=3.0)
    hook = NonFiniteLossHook()
    hook.after_train_iter(_Runner(), 0, outputs=outputs)  # all finite
    with pytest.raises(DivergenceError, match=r'iteration 7 .*acc=nan'):
        hook.after_train_iter(_Runner(), 0,
                              outputs=dict(loss=torch.tensor(1.),
                                           acc=float('nan')))
