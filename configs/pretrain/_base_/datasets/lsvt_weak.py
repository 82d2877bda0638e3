# ICDAR19-LSVT weak labels (transcriptions only):
# tools/dataset_converters/lsvt_weak.py writes <lsvt_root>/weak_train.json and
# the dictionary <lsvt_root>/dict.txt built from the transcriptions.
_base_ = ['synthtext.py']

# One variable each drives the dataset *and* the model's dictionary: MMEngine
# substitutes them when the file is parsed, before anything is derived from
# them. Set them with `--cfg-options lsvt_root=DIR lsvt_dict=FILE` (our
# tools/train.py and `mim train oclip_mmocr` turn a top-level option into the
# OCLIP_* variable) or with the environment variables themselves (any tool).
lsvt_root = '{{$OCLIP_LSVT_ROOT:data/lsvt}}'
lsvt_dict = '{{$OCLIP_LSVT_DICT:<lsvt_root>/dict.txt}}'.replace(
    '<lsvt_root>', lsvt_root)
dictionary = dict(
    type='OCLIPDictionary', dict_file=lsvt_dict, setting='lsvt_dict')
train_dataloader = dict(
    dataset=dict(
        data_root=lsvt_root,
        ann_file='weak_train.json',
        dictionary=dictionary))
val_dataloader = dict(
    dataset=dict(
        data_root=lsvt_root,
        ann_file='weak_train.json',
        dictionary=dictionary))
