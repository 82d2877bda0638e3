# The Mask-TextSpotter-v3-style spotter at study scale (64 channels).
_base_ = [
    '../../../finetune/mts/_base_mts_r50.py',
    '../trunk.py',
]
C = 64
model = dict(
    backbone=dict(_base_.study_trunk, _delete_=True),
    neck=dict(in_channels=_base_.study_widths, lateral_channels=C,
              out_channels=C // 4),
    det_head=dict(in_channels=C),
    roi_head=dict(
        score_head=dict(in_channels=C, channels=C),
        mask_head=dict(in_channels=C, channels=C),
        char_head=dict(in_channels=C, channels=C),
        rec_neck=dict(in_channels=C, channels=C),
        rec_encoder=dict(in_channels=C, d_model=C, d_enc=C),
        # The generated words have at most 9 characters (12 steps: the
        # decoder's cost is linear in them).
        rec_decoder=dict(in_channels=C, d_model=C, d_enc=C, d_k=32,
                         max_seq_len=12)),
    data_preprocessor=_base_.clip_normalization)
# The plateau this detector's study runs are checked against: the proposal network's kernel map.
custom_hooks = [
    dict(h, loss_key='loss_spn') if h['type'] == 'PlateauExitHook' else h
    for h in _base_.custom_hooks
]
