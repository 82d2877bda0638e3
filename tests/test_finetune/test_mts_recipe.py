"""The staged spotter recipe (Mask TextSpotter v3): a SynthText stage with
character supervision, then finetuning from it, per dataset or on a
mixture drawn in fixed shares."""
import glob
import os.path as osp
from collections import Counter

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from oclip_mmocr.datasets.synthetic import generate_synthetic_split
from oclip_mmocr.utils.cli import parse_config
from tests.helpers import REPO

MTS = osp.join(REPO, 'configs/finetune/mts')
STAGE2 = [f'mts_r50-{t}_synthtext-{s}.py' for t in ('oclip', 'imagenet')
          for s in ('300e_icdar2015', '300e_totaltext', 'mixed_totaltext')]


@pytest.mark.parametrize('name', STAGE2)
def test_second_stage_starts_from_its_trunks_first_stage(name):
    cfg = parse_config(osp.join(MTS, name))
    trunk = name.split('-')[1].split('_')[0]
    stage1 = f'mts_r50-{trunk}_1e_synthtext'
    assert cfg.load_from == f'work_dirs/{stage1}/epoch_1.pth'
    hooks = {h['type']: h for h in cfg.custom_hooks}
    assert hooks['SafeResumeHook']['strict_load_from'] is True
    first = parse_config(osp.join(MTS, stage1 + '.py'))
    # The same model end to end, so the whole spotter loads strictly.
    assert first.model == cfg.model
    # The first stage trains the character branch on SynthText's boxes.
    assert first.train_dataloader.dataset.ann_file == 'textdet_train.json'
    assert first.train_dataloader.dataset.data_root == 'data/synthtext'
    types = [t['type'] for t in first.train_dataloader.dataset.pipeline]
    assert 'WithCharPolygons' in types and types[-1] == 'PackTextSpotInputs'
    assert cfg.model.roi_head.char_head is not None
    if 'mixed' not in name:
        # Otherwise the one-dataset recipe, unchanged.
        one = parse_config(osp.join(MTS, name.replace('synthtext-', '')))
        a, b = cfg.to_dict(), one.to_dict()
        for d in (a, b):
            for key in ('load_from', 'synthtext_spotter', 'custom_hooks'):
                d.pop(key, None)
        assert a == b


def test_mixture_draws_every_source_in_its_share(tmp_path):
    """MMDet's MultiSourceSampler over the configured sources: each batch
    of 8 holds 4 + 2 + 2 images for ratio [2, 1, 1], and the first source's
    character boxes reach the packed samples."""
    init_default_scope('mmocr')
    roots = {}
    for name, profile in (('synth', 'synth_totaltext'),
                          ('ic15', 'synth_icdar2015'),
                          ('tt', 'synth_totaltext')):
        roots[name] = str(tmp_path / name)
        generate_synthetic_split(roots[name], 'train', num_images=6,
                                 img_size=None, seed=len(name),
                                 profile=profile)
    cfg = Config.fromfile(
        osp.join(MTS, 'mts_r50-imagenet_synthtext-mixed_totaltext.py'))
    loader = cfg.train_dataloader
    loader.num_workers = 0
    loader.persistent_workers = False
    loader.sampler.source_ratio = [2, 1, 1]
    loader.sampler.seed = 0
    for d, name in zip(loader.dataset.datasets, ('synth', 'ic15', 'tt')):
        d.data_root = roots[name]
        d.ann_file = 'textdet_train.json' if name == 'synth' else \
            'textspotting_train.json'
    dl = Runner.build_dataloader(loader, seed=0)
    with_chars = 0
    for k, batch in enumerate(dl):
        sources = Counter(
            osp.basename(osp.dirname(osp.dirname(osp.dirname(
                s.img_path)))) for s in batch['data_samples'])
        assert sources == {'synth': 4, 'ic15': 2, 'tt': 2}, sources
        for s in batch['data_samples']:
            chars = s.gt_instances.char_polygons
            with_chars += sum(c is not None for c in chars)
        if k == 2:
            break
    assert with_chars > 0


@pytest.mark.parametrize('name', sorted(
    osp.basename(p) for p in glob.glob(osp.join(MTS, 'mts_*.py'))))
def test_readers_classes_and_layers(name):
    """Mask TextSpotter reads 36 classes (digits, case-folded letters):
    the dictionary, the recogniser's case folding and the character maps
    follow; LSVT reads its own dictionary as written, without character
    maps. Every config gives the readers their four convolutions."""
    roi = parse_config(osp.join(MTS, name)).model.roi_head
    assert roi.rec_neck == dict(type='RoIConvTower', in_channels=256,
                                channels=256, num_convs=4)
    dec = roi.rec_decoder
    if 'lsvt' in name:
        assert dec.module_loss.letter_case == 'unchanged'
        assert roi.char_head is None
        return
    assert osp.basename(dec.dictionary.dict_file) == \
        'lower_english_digits.txt'
    assert dec.module_loss.letter_case == 'lower'
    init_default_scope('mmocr')
    from mmocr.registry import MODELS
    head = MODELS.build(roi)
    # one start/end token, padding, unknown
    assert head.dictionary.num_classes == 36 + 3
    assert head.char_head.logits.out_channels == head.dictionary.num_classes \
        + 1
    # Upper-case ground truth trains the same classes as lower case.
    assert head.cased('Word42') == 'word42'
    assert head._char_labels('Ab', [None, None]) == \
        head._char_labels('aB', [None, None])
