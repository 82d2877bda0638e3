# LSVT weak labels with the released code's behaviour (see
# _base_/released_code.py), to continue from the released LSVT checkpoint:
# its dictionary is the released pickled code-point list, converted with
#   python tools/dataset_converters/released_char_dict.py CHARS.pkl \
#       data/lsvt/released_dict.txt
# (5251 characters: the checkpoint's 5254 ids). The released converter keeps
# words of 2+ characters: tools/dataset_converters/lsvt_weak.py --min-len 2.
_base_ = ['oclip_r50_lsvt.py', '_base_/released_code.py']

model = _base_.released_model
train_dataloader = dict(dataset=dict(pipeline=_base_.released_pipeline))
