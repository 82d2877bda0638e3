"""SafeResumeHook: resume picks the newest checkpoint that loads, renames
broken ones, and stops clearly when none loads."""
import os

import pytest
from mmengine.runner import Runner

from oclip_mmocr.engine.hooks import choose_checkpoint
from oclip_mmocr.utils.checkpoint_check import CheckpointModelMismatchError
from tests.crash_helpers import (PER_EPOCH, _CaptureStartHook,
                                 copy_run, crash_cfg)


@pytest.fixture(scope='module')
def trained_dir(tmp_path_factory, synthetic_root):
    """A finished 3-epoch run: epoch_1..3.pth, last_checkpoint, backbone."""
    work = tmp_path_factory.mktemp('trained')
    Runner.from_cfg(crash_cfg(work, synthetic_root)).train()
    return work


@pytest.mark.slow
@pytest.mark.parametrize('case', ['zero_byte', 'truncated', 'empty_marker',
                                  'no_marker', 'stale_marker'])
def test_resume_picks_the_newest_loadable_checkpoint(case, trained_dir,
                                                     tmp_path):
    work = copy_run(trained_dir, tmp_path / 'work')
    latest = work / 'epoch_3.pth'
    expected = latest
    if case == 'zero_byte':
        latest.write_bytes(b'')
        expected = work / 'epoch_2.pth'
    elif case == 'truncated':
        data = latest.read_bytes()
        latest.write_bytes(data[:len(data) // 2])
        expected = work / 'epoch_2.pth'
    elif case == 'empty_marker':
        (work / 'last_checkpoint').write_text('')
    elif case == 'no_marker':
        (work / 'last_checkpoint').unlink()
    else:
        (work / 'last_checkpoint').write_text(str(work / 'epoch_9.pth'))
    chosen, notes = choose_checkpoint(str(work))
    assert chosen == str(expected), notes
    if case in ('zero_byte', 'truncated'):
        assert (work / 'epoch_3.pth.corrupt').is_file()  # kept, aside
        assert any('epoch_3.pth' in n and 'moved aside' in n for n in notes)
    # Nothing good was deleted.
    assert (work / 'epoch_1.pth').is_file() and (work / 'epoch_2.pth').is_file()


@pytest.mark.slow
def test_resume_over_a_broken_latest_checkpoint_trains_on(trained_dir,
                                                          tmp_path,
                                                          synthetic_root):
    """End to end through the runner: a zero-byte latest checkpoint and no
    marker. MMEngine alone would start from iteration 0 (and rotate the good
    files away); here training continues from epoch 2 and deletes
    nothing."""
    work = copy_run(trained_dir, tmp_path / 'work')
    (work / 'epoch_3.pth').write_bytes(b'')
    (work / 'last_checkpoint').unlink()
    cfg = crash_cfg(work, synthetic_root, epochs=4)
    cfg.resume = True
    cfg.custom_hooks.append(dict(type='_CaptureStartHook'))
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert _CaptureStartHook.seen['iter'] == 2 * PER_EPOCH
    assert runner.iter == 4 * PER_EPOCH
    assert (work / 'epoch_3.pth.corrupt').is_file()
    for e in (2, 3, 4):  # keep-last-3, counted across the resume
        assert (work / f'epoch_{e}.pth').is_file()
    assert not (work / 'epoch_1.pth').is_file()  # rotation still works


def test_resume_without_any_loadable_checkpoint_fails_clearly(tmp_path):
    work = tmp_path / 'work'
    work.mkdir()
    (work / 'epoch_1.pth').write_bytes(b'')
    (work / 'epoch_2.pth').write_bytes(b'PK\x03\x04 truncated')
    with pytest.raises(RuntimeError, match='none of the 2 checkpoints'):
        choose_checkpoint(str(work))
    assert sorted(os.listdir(work)) == ['epoch_1.pth.corrupt',
                                        'epoch_2.pth.corrupt']
    empty = tmp_path / 'empty'
    empty.mkdir()
    assert choose_checkpoint(str(empty))[0] is None


@pytest.mark.slow
@pytest.mark.parametrize('how', ['auto', 'explicit'])
def test_resume_with_a_changed_model_names_what_differs(trained_dir, tmp_path,
                                                        synthetic_root, how):
    """The config changed after the run started (text width 32 -> 48):
    resuming names the checkpoint, the parameters that differ and says the
    config changed, before MMEngine's bare size-mismatch error; the
    checkpoints are left as they were."""
    work = copy_run(trained_dir, tmp_path / 'work')

    def state():
        return (sorted(f for f in os.listdir(work) if '.pth' in f),
                (work / 'last_checkpoint').read_text())

    before = state()
    cfg = crash_cfg(work, synthetic_root, epochs=4)
    cfg.model.text_encoder.update(width=48, embed_dims=48)
    cfg.model.decoder.update(embed_dims=48)
    cfg.resume = True
    if how == 'explicit':
        cfg.load_from = str(work / 'epoch_2.pth')
    with pytest.raises(CheckpointModelMismatchError) as e:
        Runner.from_cfg(cfg).train()
    msg = str(e.value)
    name = 'epoch_2.pth' if how == 'explicit' else 'epoch_3.pth'
    assert name in msg and 'config changed' in msg
    assert 'text_encoder.' in msg and 'checkpoint (' in msg
    assert 'model (' in msg and '48' in msg
    assert state() == before  # no checkpoint moved, marker unchanged


def test_strict_load_from_refuses_a_checkpoint_that_does_not_fit(tmp_path):
    """strict_load_from (configs starting from a whole pretrained detector):
    a checkpoint of another model is an error naming the differing
    parameters instead of MMEngine's warning; a missing file is named; the
    same model's checkpoint passes."""
    import torch
    from oclip_mmocr.engine.hooks.safe_resume_hook import (SafeResumeHook,
                                                          check_loads_into)

    class _Runner:
        _resume = False

        def __init__(self, model, path):
            self.model, self._load_from = model, str(path)

    model = torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4))
    good = tmp_path / 'good.pth'
    torch.save(dict(state_dict=model.state_dict(), meta={}), good)
    check_loads_into(model, str(good))
    SafeResumeHook(strict_load_from=True).before_run(_Runner(model, good))

    other = torch.nn.Sequential(
        torch.nn.Conv2d(3, 8, 3), torch.nn.BatchNorm2d(8))
    bad = tmp_path / 'bad.pth'
    torch.save(dict(state_dict=other.state_dict(), meta={}), bad)
    with pytest.raises(CheckpointModelMismatchError, match=r'bad\.pth does '
                       r'not fit .* parameters differ: .*0\.weight'):
        SafeResumeHook(strict_load_from=True).before_run(_Runner(model, bad))
    # Default (MMEngine's behaviour): not checked here.
    SafeResumeHook().before_run(_Runner(model, bad))
    with pytest.raises(FileNotFoundError, match='missing.pth does not exist'):
        SafeResumeHook(strict_load_from=True).before_run(
            _Runner(model, tmp_path / 'missing.pth'))


def test_resume_without_checkpoint_starts_from_the_configs_load_from(
        tmp_path):
    """`tools/train.py --resume` on a config with load_from (a whole
    pretrained detector): the first run starts from load_from (strictly
    checked), a later run resumes its own checkpoint."""
    import torch
    from mmengine.logging import MMLogger
    from oclip_mmocr.engine.hooks.safe_resume_hook import SafeResumeHook

    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3))
    init = tmp_path / 'detector.pth'
    torch.save(dict(state_dict=model.state_dict(), meta={}), init)

    class _Runner:
        _resume, _load_from = True, None
        logger = MMLogger.get_instance('resume_init_test')

        def __init__(self, work_dir, cfg):
            self.work_dir, self.cfg, self.model = str(work_dir), cfg, model

    work = tmp_path / 'work'
    work.mkdir()
    runner = _Runner(work, dict(init_load_from=str(init)))
    SafeResumeHook(strict_load_from=True).before_run(runner)
    assert runner._load_from == str(init) and runner._resume is False
    # A detector that does not fit is refused on that first run.
    other = tmp_path / 'other.pth'
    torch.save(dict(state_dict=torch.nn.Sequential(
        torch.nn.Conv2d(3, 8, 3)).state_dict(), meta={}), other)
    with pytest.raises(CheckpointModelMismatchError):
        SafeResumeHook(strict_load_from=True).before_run(
            _Runner(work, dict(init_load_from=str(other))))
    # Without load_from: from scratch, as before.
    runner = _Runner(work, {})
    SafeResumeHook().before_run(runner)
    assert runner._load_from is None and runner._resume is False
