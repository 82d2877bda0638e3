"""tools/study_costs.py: a study's time split into training, validation
and testing, read back from MMEngine's text logs."""
import pytest

from tests.helpers import import_tool

costs = import_tool('study_costs')


def _line(sec: int, text: str) -> str:
    m, s = divmod(sec, 60)
    return f'2026/12/03 07:{m:02d}:{s:02d} - mmengine - INFO - {text}\n'


def _train_log(path, start=0):
    """Builds at ``start``, trains 100 s, validates 20 s (an evaluation
    line without ``Epoch(val)`` inside), trains 50 s, validates 10 s, then
    saves a checkpoint 2 s later."""
    t = start
    lines = [_line(t, 'Config:'), 'model = dict(\n',
             _line(t + 40, 'Epoch(train)  [1][10/40]  lr: 1e-3'),
             _line(t + 100, 'Epoch(train)  [2][40/40]  lr: 1e-3'),
             _line(t + 105, 'Epoch(val) [2][10/50]    eta: 0:00:04'),
             _line(t + 118, 'Evaluating hmean-iou...'),
             _line(t + 120, 'Epoch(val) [2][50/50]    icdar/hmean: 0.1'),
             _line(t + 150, 'Epoch(train)  [3][40/40]  lr: 1e-3'),
             _line(t + 160, 'Epoch(val) [3][50/50]    icdar/hmean: 0.2'),
             _line(t + 162, 'Saving checkpoint at 3 epochs')]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(''.join(lines))


def test_a_training_log_splits_into_training_and_validation(tmp_path):
    log = tmp_path / '20261203_070000' / '20261203_070000.log'
    _train_log(log)
    got = costs.log_costs(str(log))
    # Validations run from the last line before them to their last line.
    assert got == dict(train=162 - 30, val=30, test=0)


def test_a_test_log_counts_whole(tmp_path):
    log = tmp_path / 'a.log'
    log.write_text(_line(3, 'Config:') + _line(9, 'Load checkpoint from x') +
                   _line(30, 'Epoch(test) [10/50]    eta: 0:00:03') +
                   _line(41, 'Epoch(test) [50/50]    icdar/hmean: 0.3'))
    assert costs.log_costs(str(log)) == dict(train=0, val=0, test=38)


def test_an_unstamped_or_empty_log_costs_nothing(tmp_path):
    log = tmp_path / 'a.log'
    log.write_text('Traceback (most recent call last):\n')
    assert costs.log_costs(str(log)) == dict(train=0, val=0, test=0)


def test_a_run_sums_its_training_and_keeps_its_latest_test(tmp_path):
    """A resumed training, an earlier test and the test after it: the
    training's pieces add up, only the latest test counts."""
    _train_log(tmp_path / '20261203_070000' / '20261203_070000.log')
    _train_log(tmp_path / '20261203_071000' / '20261203_071000.log', 600)
    for start, took in ((1100, 30), (1200, 7)):
        test = tmp_path / f'20261203_07{start // 60}00' / 'test.log'
        test.parent.mkdir()
        test.write_text(_line(start, 'Config:') + _line(
            start + took, 'Epoch(test) [50/50]    icdar/hmean: 0.3'))
    got = costs.run_costs(str(tmp_path))
    assert got == pytest.approx(dict(train=2 * 132, val=2 * 30, test=7))
    assert costs.run_costs(str(tmp_path / 'absent')) == dict(
        train=0, val=0, test=0)
