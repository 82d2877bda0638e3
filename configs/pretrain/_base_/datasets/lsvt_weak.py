# ICDAR19-LSVT weak labels (transcriptions only):
# tools/dataset_converters/lsvt_weak.py writes data/lsvt/weak_train.json and
# the dictionary data/lsvt/dict.txt built from the transcriptions.
_base_ = ['synthtext.py']

lsvt_root = 'data/lsvt'
dictionary = dict(type='OCLIPDictionary', dict_file=lsvt_root + '/dict.txt')
train_dataloader = dict(
    dataset=dict(
        data_root=lsvt_root,
        ann_file='weak_train.json',
        dictionary=dictionary))
