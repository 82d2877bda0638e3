"""The "-CAE" ablation: CLIP BPE tokens (open_clip's tokenizer) into a
word-level text encoder, the rest of oCLIP unchanged."""
import copy

import pytest
import torch
from mmengine.dataset import pseudo_collate

from mmocr.registry import DATASETS, MODELS, TRANSFORMS
from tests.helpers import pipeline, tiny_model_cfg


def _bpe_pipeline(size, context_length=32):
    p = copy.deepcopy(pipeline(size))
    return p[:-1] + [dict(type='BPETokenizeWords',
                          context_length=context_length), p[-1]]


def test_tokens_carry_the_mask_and_clip_ids():
    from oclip_mmocr.datasets.transforms.bpe_words import clip_tokenizer
    tok = clip_tokenizer()
    t = TRANSFORMS.build(dict(type='BPETokenizeWords', context_length=8))
    out = t(dict(img_path='a.jpg', words=['Hello', 'ok'],
                 mask_positions=[1, 0]))
    ids = out['gt_tokens']
    assert ids.shape == (2, 8)
    # start, 'h', <mask>, 'llo', end, padding -- CLIP's own ids.
    assert ids[0, 0] == 49406 and 49408 in ids[0].tolist()
    end = ids[0].tolist().index(49407)
    assert ids[0, :end + 1].tolist() == [49406] + tok.encode(
        'h<mask>llo') + [49407]
    assert (ids[0, end + 1:] == 0).all()
    # Masking the first character: the mask token right after start.
    assert ids[1, :2].tolist() == [49406, 49408]
    # Case is CLIP's: lower-cased.
    assert tok.encode('HELLO') == tok.encode('hello')


def test_word_too_long_for_context_names_image_and_word():
    t = TRANSFORMS.build(dict(type='BPETokenizeWords', context_length=4))
    with pytest.raises(ValueError, match=r"b\.jpg: word '#\$%&' needs"):
        t(dict(img_path='b.jpg', words=['#$%&'], mask_positions=[0]))


def test_encoder_pools_at_end_of_text():
    enc = MODELS.build(dict(type='WordTextEncoder', max_len=6, width=16,
                            num_layers=1, num_heads=2, embed_dims=8))
    assert enc.token_embedding.num_embeddings == 49409
    a = torch.tensor([[49406, 10, 49408, 49407, 0, 0]])
    b = torch.tensor([[49406, 10, 49408, 49407, 5, 5]])  # after the end
    # Causal attention: tokens after the end do not change the embedding.
    torch.testing.assert_close(enc(a), enc(b))
    c = torch.tensor([[49406, 11, 49408, 49407, 0, 0]])
    assert not torch.allclose(enc(a), enc(c))


def test_oclip_without_cae_learns(synthetic_root):
    torch.manual_seed(0)
    ds = DATASETS.build(dict(type='OCLIPDataset', data_root=synthetic_root,
                             ann_file='textdet_train.json',
                             pipeline=_bpe_pipeline(64)))
    cfg = tiny_model_cfg(64)
    cfg['text_encoder'] = dict(type='WordTextEncoder', max_len=32, width=32,
                               num_layers=2, num_heads=4, embed_dims=32)
    model = MODELS.build(cfg)
    assert model.text_encoder.max_len == 32
    optim = torch.optim.AdamW(model.parameters(), lr=2e-3)
    losses = []
    data = pseudo_collate([ds[i] for i in range(len(ds))])
    for _ in range(25):
        pre = model.data_preprocessor(data, training=True)
        out = model(**pre, mode='loss')
        loss = out['loss_char'] + out['loss_contrastive']
        optim.zero_grad()
        loss.backward()
        optim.step()
        losses.append(loss.item())
    assert set(out) == {'loss_char', 'loss_contrastive', 'char_acc'}
    assert sum(losses[-5:]) / 5 < 0.8 * sum(losses[:5]) / 5, losses


def test_bpe_tokens_into_character_encoder_is_a_clear_error(synthetic_root):
    ds = DATASETS.build(dict(type='OCLIPDataset', data_root=synthetic_root,
                             ann_file='textdet_train.json',
                             pipeline=_bpe_pipeline(64)))
    model = MODELS.build(tiny_model_cfg(64))
    pre = model.data_preprocessor(pseudo_collate([ds[0], ds[1]]), True)
    with pytest.raises(ValueError, match='BPETokenizeWords goes with '
                       'WordTextEncoder'):
        model(**pre, mode='loss')
