"""OCLIPPretrainMetric (masked-character accuracy, retrieval R@k) and the
pretraining loop that runs it every N iterations."""
import copy

import pytest
import torch
from mmengine.hooks import Hook
from mmengine.runner import Runner

from mmocr.registry import METRICS
from oclip_mmocr.evaluation.metrics import recall_at_k
from tests.helpers import pipeline, tiny_model_cfg


def test_recall_at_k_counts_ties_against_the_model():
    eye = torch.eye(4)
    assert recall_at_k(eye, (1, 5)) == {1: 1.0, 5: 1.0}
    # Every row's match ranked second: R@1 0, R@2 1.
    shifted = torch.eye(4) * 0.5 + torch.eye(4).roll(1, dims=1)
    assert recall_at_k(shifted, (1, 2)) == {1: 0.0, 2: 1.0}
    # All equal: no row retrieves its match first.
    assert recall_at_k(torch.ones(4, 4), (1, 4)) == {1: 0.0, 4: 1.0}


def _sample(image, text, pred, gt):
    return dict(image_embed=torch.tensor(image, dtype=torch.float),
                text_embed=torch.tensor(text, dtype=torch.float),
                pred_char_ids=torch.tensor(pred), gt_chars=torch.tensor(gt))


def test_metric_values():
    metric = METRICS.build(dict(type='OCLIPPretrainMetric', ks=(1, 2)))
    metric.process({}, [
        _sample([1, 0], [1, 0], [3, 4], [3, 5]),
        _sample([0, 1], [1, 0.1], [7], [7]),
    ])
    out = metric.evaluate(2)
    assert out['pretrain/char_acc'] == pytest.approx(2 / 3)
    # image 0 scores both texts 1: a tie, counted against it; image 1
    # scores its own text 0.1 > 0.
    assert out['pretrain/i2t_R@1'] == 0.5
    assert out['pretrain/i2t_R@2'] == 1.0
    # text 0 . image 0 = 1, . image 1 = 0 -> first; text 1 . image 0 = 1 >
    # . image 1 = 0.1 -> second.
    assert out['pretrain/t2i_R@1'] == 0.5
    assert out['pretrain/t2i_R@2'] == 1.0
    assert out['pretrain/num_images'] == 2


def test_metric_without_decoder_reports_retrieval_only():
    metric = METRICS.build(dict(type='OCLIPPretrainMetric'))
    metric.process({}, [dict(image_embed=torch.ones(2),
                             text_embed=torch.ones(2))])
    out = metric.evaluate(1)
    assert 'pretrain/char_acc' not in out and 'pretrain/i2t_R@5' in out


class _Metrics(Hook):

    def __init__(self):
        self.seen = []
        self.train_mode = {}

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        self.train_mode[runner.iter] = runner.model.training

    def after_val_epoch(self, runner, metrics=None):
        self.seen.append((runner.iter, dict(metrics)))


def _runner(synthetic_root, work_dir, hook, val_iter_interval):
    val_pipeline = copy.deepcopy(pipeline(64, shuffle=False))
    val_pipeline[2] = dict(type='MaskCharacters', seed=0)
    val_pipeline[3] = dict(type='Resize', scale=(64, 64), keep_ratio=False)
    data = dict(type='OCLIPDataset', data_root=synthetic_root,
                ann_file='textdet_train.json')
    return Runner(
        model=tiny_model_cfg(64),
        # Workers, as in the real configs.
        train_dataloader=dict(
            batch_size=2, num_workers=1,
            sampler=dict(type='ResumableSampler', shuffle=True),
            dataset=dict(data, pipeline=pipeline(64))),
        val_dataloader=dict(
            batch_size=4, num_workers=0,
            sampler=dict(type='DefaultSampler', shuffle=False),
            dataset=dict(data, pipeline=val_pipeline)),
        val_evaluator=dict(type='OCLIPPretrainMetric'),
        val_cfg=dict(type='ValLoop'),
        train_cfg=dict(type='ResumableEpochBasedTrainLoop', max_epochs=2,
                       val_interval=2, val_iter_interval=val_iter_interval),
        optim_wrapper=dict(optimizer=dict(type='AdamW', lr=1e-3)),
        custom_hooks=[hook],
        default_hooks=dict(logger=dict(type='LoggerHook', interval=1),
                           checkpoint=None),
        randomness=dict(seed=0),
        work_dir=str(work_dir),
        default_scope='mmocr')


def test_loop_validates_every_n_iterations(synthetic_root, tmp_path):
    """8 images, batch 2: 4 iterations per epoch, 2 epochs; validation every
    3 iterations (3, 6) and at the end (8), metrics as the runner logs; the
    trained weights are those of the same run without the mid-epoch
    validations."""
    hook = _Metrics()
    runner = _runner(synthetic_root, tmp_path / 'a', hook, 3)
    runner.train()
    assert [it for it, _ in hook.seen] == [3, 6, 8]
    for _, metrics in hook.seen:
        assert set(metrics) == {
            'pretrain/char_acc', 'pretrain/i2t_R@1', 'pretrain/i2t_R@5',
            'pretrain/t2i_R@1', 'pretrain/t2i_R@5', 'pretrain/num_images'}
        assert metrics['pretrain/num_images'] == 8
        assert 0 <= metrics['pretrain/char_acc'] <= 1
    # Training goes on in train mode after a mid-epoch validation.
    assert hook.train_mode[3] and hook.train_mode[6]
    plain = _runner(synthetic_root, tmp_path / 'b', _Metrics(), None)
    plain.train()
    for (k, a), b in zip(runner.model.state_dict().items(),
                         plain.model.state_dict().values()):
        torch.testing.assert_close(a, b, msg=k)


def test_bad_val_interval():
    from oclip_mmocr.engine.runner.resumable_loop import \
        ResumableEpochBasedTrainLoop
    with pytest.raises(ValueError, match='val_iter_interval'):
        ResumableEpochBasedTrainLoop(None, [], max_epochs=1,
                                     val_iter_interval=0)


def test_preserved_rng_state_undoes_draws():
    import random

    import numpy as np
    from oclip_mmocr.engine.runner.resumable_loop import preserved_rng_state
    torch.manual_seed(1)
    random.seed(1)
    np.random.seed(1)
    expected = (torch.rand(1), random.random(), np.random.rand())
    torch.manual_seed(1)
    random.seed(1)
    np.random.seed(1)
    with preserved_rng_state():
        torch.rand(5), random.random(), np.random.rand(3)
    assert (torch.rand(1), random.random(), np.random.rand()) == expected
