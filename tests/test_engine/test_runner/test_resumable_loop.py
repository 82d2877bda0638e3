"""ResumableEpochBasedTrainLoop + ResumableSampler: a mid-epoch checkpoint
resumes with the next batch, equal to an uninterrupted run."""
import json
import shutil

import pytest
from mmengine.runner import Runner

from tests.crash_helpers import crash_cfg


@pytest.mark.slow
def test_mid_epoch_checkpoint_resumes_with_the_next_batch(tmp_path,
                                                          synthetic_root):
    """4 batches per epoch, iteration checkpoints every 3: resuming from
    iter_3.pth (inside epoch 1) trains iterations 4..8 on exactly the
    batches the uninterrupted run used, and stops at 8."""
    import tests.crash_helpers  # noqa: F401  registers RecordBatchesHook
    full = tmp_path / 'full'
    cfg = crash_cfg(full, synthetic_root, epochs=2, batch=2, iter_interval=3)
    cfg.custom_hooks.append(dict(type='RecordBatchesHook'))
    Runner.from_cfg(cfg).train()
    ref = [json.loads(line) for line in open(full / 'batches.jsonl')]
    assert [r['iter'] for r in ref] == list(range(1, 9))

    part = tmp_path / 'part'
    part.mkdir()
    shutil.copy(full / 'iter_3.pth', part / 'iter_3.pth')
    cfg = crash_cfg(part, synthetic_root, epochs=2, batch=2, iter_interval=3)
    cfg.custom_hooks.append(dict(type='RecordBatchesHook'))
    cfg.resume = True
    runner = Runner.from_cfg(cfg)
    runner.train()
    got = [json.loads(line) for line in open(part / 'batches.jsonl')]
    assert runner.iter == 8
    assert [r['iter'] for r in got] == list(range(4, 9))
    assert [r['batch'] for r in got] == [r['batch'] for r in ref[3:]]
    assert got[0]['idx'] == 3  # the 4th batch of the epoch
