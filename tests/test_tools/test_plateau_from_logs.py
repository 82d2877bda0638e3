"""tools/plateau_from_logs.py: PlateauExitHook's rule replayed on the
training logs of finished runs (the study's configs' rule, or the run's
own), giving what the hook gives on the same losses."""
import json
import sys

import pytest

from tests.helpers import import_tool

tool = import_tool('plateau_from_logs')

# test_plateau_exit_hook.py's FALL_FLAT_DESCENT, constant over every
# 10-iteration logging interval: the hook gives level 2.9 read at 60 and
# exit 125 with the stall rule, exit 30 with the start rule.
SCRIPT = [5.] * 20 + [2.9] * 100 + [.5] * 40


def _line(epoch: int, i: int, value: float) -> str:
    return ('2026/12/03 07:00:00 - mmengine - INFO - Epoch(train)  '
            f'[{epoch}][{i}/40]  lr: 1.0000e-03  loss: {value + 1:.4f}  '
            f'loss_prob: {value:.4f}  loss_thr: 1.0000\n')


def _run(root, name: str, hook: str = "dict(type='PlateauExitHook', "
         "loss_key='loss_prob')"):
    """A finished run: its dumped config and two logs, the second a resume
    at epoch 2 that repeats (and corrects) the first's epoch 2."""
    run = root / name.replace('.py', '')
    (run / '20261203_070000').mkdir(parents=True)
    (run / '20261203_080000').mkdir()
    (run / name).write_text(f'custom_hooks = [{hook}]\n')
    first, second = [], []
    for k, it in enumerate(range(10, 161, 10)):
        epoch, i = (it - 1) // 40 + 1, (it - 1) % 40 + 1
        if epoch == 1:
            first.append(_line(epoch, i, SCRIPT[it - 1]))
        else:
            if epoch == 2:  # what the interrupted run had logged
                first.append(_line(epoch, i, 9.9))
            second.append(_line(epoch, i, SCRIPT[it - 1]))
    (run / '20261203_070000' / '20261203_070000.log').write_text(
        ''.join(first))
    (run / '20261203_080000' / '20261203_080000.log').write_text(
        ''.join(second))
    (run / 'plateau.json').write_text(json.dumps(dict(
        loss_key='loss_prob', exit_iter=31, max_iters=160)))
    return run


def test_log_losses_per_iteration_later_logs_win(tmp_path):
    run = _run(tmp_path, 'custom.py')
    losses = tool.train_losses(str(run), 'loss_prob')
    assert [it for it, _ in losses] == list(range(10, 161, 10))
    assert [v for _, v in losses] == [SCRIPT[it - 1] for it, _ in losses]


def test_the_repository_rule_replayed_equals_the_hook(tmp_path):
    # A study config's name: the repository's rule now (DBNet: stall),
    # whatever the dumped config said when the run was trained.
    run = _run(tmp_path, 'dbnet-oclip_synth.py')
    rule = tool.rule_of(str(run))
    assert rule['level_at'] == 'stall' and rule['loss_key'] == 'loss_prob'
    loss_key = rule.pop('loss_key')
    rec = tool.replay(tool.train_losses(str(run), loss_key), loss_key,
                      **rule)
    assert rec['plateau_level'] == pytest.approx(2.9)
    assert (rec['level_iter'], rec['exit_iter']) == (60, 125)
    # Any other name: the run's own config (the start rule here).
    other = _run(tmp_path, 'custom.py')
    rule = tool.rule_of(str(other))
    assert rule.get('level_at', 'start') == 'start'
    rule.pop('loss_key')
    rec = tool.replay(tool.train_losses(str(other), 'loss_prob'),
                      'loss_prob', **rule)
    assert rec['exit_iter'] == 30 and rec['plateau_level'] == 5.
    # ... unless overridden.
    assert tool.rule_of(str(other), 'stall')['level_at'] == 'stall'


def test_write_keeps_the_hooks_record_once(tmp_path, monkeypatch, capsys):
    run = _run(tmp_path, 'dbnet-oclip_synth.py')
    for _ in range(2):
        monkeypatch.setattr(sys, 'argv', ['plateau_from_logs.py',
                                          str(tmp_path), '--write'])
        tool.main()
    rec = json.loads((run / 'plateau.json').read_text())
    assert rec['exit_iter'] == 125 and rec['source'] == 'log'
    assert rec['max_iters'] == 160
    # The hook's own record, not the first rewrite's.
    kept = json.loads((run / 'plateau.hook.json').read_text())
    assert kept['exit_iter'] == 31 and 'source' not in kept
    assert '| 125 of 160 (' in capsys.readouterr().out
    # A record the hook wrote under the same rule is kept: it saw every
    # iteration, the log only every tenth.
    hooked = dict(loss_key='loss_prob', window=20, ratio=0.8,
                  level_at='stall', stall=0.03, exit_iter=121,
                  max_iters=160)
    (run / 'plateau.json').write_text(json.dumps(hooked))
    (run / 'plateau.hook.json').unlink()
    tool.main()
    assert json.loads((run / 'plateau.json').read_text()) == hooked
    assert not (run / 'plateau.hook.json').exists()
    assert 'kept' in capsys.readouterr().out


def test_a_run_without_the_hook_or_the_loss_is_named(tmp_path, monkeypatch):
    run = _run(tmp_path, 'custom.py', hook="dict(type='OtherHook')")
    with pytest.raises(ValueError, match='no PlateauExitHook'):
        tool.rule_of(str(run))
    run = _run(tmp_path / 'b', 'custom.py',
               hook="dict(type='PlateauExitHook', loss_key='loss_text')")
    monkeypatch.setattr(sys, 'argv', ['plateau_from_logs.py', str(run)])
    with pytest.raises(SystemExit, match='no loss_text'):
        tool.main()
