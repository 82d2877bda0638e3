# The study's data and runtime with twice its epochs, the rate decaying in
# the last (DBNet, FCENet, TextBPN: synthetic_study.py's budget note).
_base_ = ['synthetic_study.py']
study_long_epochs = 2 * _base_.study_epochs
train_cfg = dict(
    max_epochs=study_long_epochs, val_interval=max(1, study_long_epochs // 3))
param_scheduler = [
    dict(
        _base_.param_scheduler[0],
        begin=study_long_epochs - 1,
        end=study_long_epochs)
]
default_hooks = dict(checkpoint=dict(interval=study_long_epochs))
