import copy
import math

import numpy as np
import pytest
import torch

from mmocr.registry import MODELS
from oclip_mmocr.models import OCLIPDictionary


def test_dictionary_layout_matches_released_ids():
    d = OCLIPDictionary()
    assert d.num_classes == 97
    assert (d.pad_id, d.mask_id, d.end_id) == (0, 95, 96)
    assert d.char2id['!'] == 1 and d.char2id['~'] == 94
    ids, n = d.encode('Ab1')
    assert n == 3 and ids[:5] == [d.char2id['A'], d.char2id['b'],
                                  d.char2id['1'], 96, 0]
    assert len(ids) == 25
    ids, n = d.encode('x' * 40)  # truncated, end-of-word kept
    assert n == 24 and ids[-1] == 96
    assert d.check_word('###') == 'ignored'
    assert d.check_word('') == 'empty'
    assert d.check_word('héllo') == 'unknown_char'
    assert d.check_word('hello') is None


def test_dictionary_file(tmp_path):
    f = tmp_path / 'dict.txt'
    f.write_text('中\n文\n字\n', encoding='utf-8')
    d = OCLIPDictionary(dict_file=str(f))
    assert d.num_classes == 6 and d.mask_id == 4 and d.end_id == 5
    f.write_text('中\n中\n', encoding='utf-8')
    with pytest.raises(ValueError, match='duplicate'):
        OCLIPDictionary(dict_file=str(f))


def test_clip_resnet_101_is_available():
    backbone = MODELS.build(dict(type='CLIPResNet', depth=101,
                                 base_channels=8))
    assert len(backbone.layer3) == 23
    assert backbone(torch.rand(1, 3, 64, 64))[-1].shape == (1, 256, 2, 2)


def test_image_encoder_shapes_and_interpolation():
    enc = MODELS.build(
        dict(type='OCLIPImageEncoder',
             backbone=dict(type='CLIPResNet', base_channels=8,
                           out_indices=(3, )),
             attnpool=dict(type='AttentionPool2d', grid_size=4,
                           in_channels=256, num_heads=32, out_channels=24)))
    g, tokens = enc(torch.rand(2, 3, 128, 128))
    assert g.shape == (2, 24) and tokens.shape == (2, 16, 24)
    assert g.dtype == torch.float32
    # Other sizes (non-square too) interpolate the positional embedding.
    g, tokens = enc(torch.rand(1, 3, 64, 96))
    assert g.shape == (1, 24) and tokens.shape == (1, 6, 24)


def _encoder_cfg(**kw):
    return dict(type='OCLIPImageEncoder',
                backbone=dict(type='CLIPResNet', base_channels=16,
                              out_indices=(3, ), norm_eval=False),
                attnpool=dict(type='AttentionPool2d', grid_size=2,
                              in_channels=512, num_heads=8, out_channels=64),
                **kw)


def test_channels_last_numerics_are_what_the_readme_says():
    """The README's claims about ``channels_last``: ``'auto'`` by default,
    contiguous on a CPU; in eval mode the same numbers; in training on a
    CPU, further from float64 (its batch norm accumulates batch statistics
    in float32): gradients at least 2x further (median elementwise) and
    outputs further. If a PyTorch release changes that, this fails and the
    README must change."""
    enc = MODELS.build(_encoder_cfg())
    assert enc.channels_last_mode == 'auto' and enc.channels_last is False
    enc.to('cpu')
    assert enc.channels_last is False
    assert enc.backbone.stem[0].weight.is_contiguous()
    torch.manual_seed(0)
    a = MODELS.build(_encoder_cfg())
    b = MODELS.build(_encoder_cfg(channels_last=True))
    b.load_state_dict(a.state_dict())
    ref = copy.deepcopy(a).double()
    x = torch.randn(4, 3, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(a.eval()(x)[0], b.eval()(x)[0],
                                   rtol=1e-4, atol=1e-5)

    def run(model, inputs):
        model.train()
        g, t = model(inputs)
        (g.square().sum() + t.square().mean()).backward()
        return g.detach().double(), torch.cat([
            p.grad.flatten().double() for p in model.parameters()
            if p.grad is not None
        ])

    g64, d64 = run(ref, x.double())
    errs = {}
    for name, model in (('contiguous', a), ('channels_last', b)):
        g, d = run(model, x)
        errs[name] = ((g - g64).norm() / g64.norm(),
                      ((d - d64).abs() / (d64.abs() + 1e-12)).median())
    assert errs['contiguous'][0] < 1e-4
    assert errs['channels_last'][0] > errs['contiguous'][0]
    assert errs['channels_last'][1] > 2 * errs['contiguous'][1]


@pytest.mark.slow
def test_compiled_trunk_keeps_layout_keys_and_numbers():
    """``compile=True`` under ``'auto'`` stays contiguous on a CPU; its
    training step is within 4x of the eager contiguous trunk's distance to
    float64 (measured 2.4x, about the eager channels-last trunk's:
    docs/speed.md); same state-dict keys; the compile time is logged."""
    enc = MODELS.build(_encoder_cfg(compile=True))
    assert enc.channels_last is False
    torch.manual_seed(0)
    eager = MODELS.build(_encoder_cfg())
    enc.load_state_dict(eager.state_dict())
    assert list(enc.state_dict()) == list(eager.state_dict())
    ref = copy.deepcopy(eager).double()
    x = torch.randn(4, 3, 64, 64)

    def run(model, inputs):
        model.train()
        g, t = model(inputs)
        (g.square().sum() + t.square().mean()).backward()
        return g.detach().double()

    g64 = run(ref, x.double())
    err_eager = (run(eager, x) - g64).norm() / g64.norm()
    eager_cl = MODELS.build(_encoder_cfg(channels_last=True))
    eager_cl.load_state_dict(eager.state_dict())
    err_cl = (run(eager_cl, x) - g64).norm() / g64.norm()
    import logging

    from mmengine.logging import MMLogger
    lines = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    try:
        err_compiled = (run(enc, x) - g64).norm() / g64.norm()
    finally:
        logger.removeHandler(handler)
    assert err_compiled < 4 * err_eager + 1e-7, (err_compiled, err_eager)
    assert err_compiled < 2 * err_cl, (err_compiled, err_cl)
    assert any('compiled the image trunk in' in m for m in lines), lines


def test_text_encoder_uses_end_of_word_token():
    d = OCLIPDictionary()
    enc = MODELS.build(dict(type='CharTextEncoder', vocab_size=97,
                            end_id=96, width=16, num_layers=2, num_heads=4,
                            embed_dims=12)).eval()
    a = torch.tensor([d.encode('cat')[0]])
    out = enc(a)
    assert out.shape == (1, 12)
    # Causal mask + end-of-word pooling: padding after the word is ignored.
    b = a.clone()
    b[0, 10] = 5
    torch.testing.assert_close(enc(b), out)
    # ... but every character before it matters.
    c = a.clone()
    c[0, 0] = d.char2id['b']
    assert not torch.allclose(enc(c), out)
    with pytest.raises(ValueError, match='25 character slots'):
        enc(torch.zeros(1, 10, dtype=torch.long))


def test_decoder_shapes_and_attention():
    dec = MODELS.build(dict(type='VisualTextualDecoder', num_classes=97,
                            grid_size=4, embed_dims=32, num_layers=6,
                            num_heads=8))
    assert len(dec.resblocks) == 6
    logits, attn = dec(torch.rand(2, 3, 32), torch.rand(2, 12, 32), (3, 4),
                       return_attention=True)
    assert logits.shape == (2, 3, 97) and attn.shape == (2, 3, 3, 4)
    torch.testing.assert_close(attn.sum((-2, -1)), torch.ones(2, 3))
    # No self-attention among queries: each word's output depends only on
    # itself and the image.
    q = torch.rand(1, 2, 32)
    img = torch.rand(1, 12, 32)
    alone, _ = dec(q[:, :1], img, (3, 4))
    pair, _ = dec(q, img, (3, 4))
    torch.testing.assert_close(alone[:, 0], pair[:, 0])


def test_masked_char_loss_ignores_padding_words():
    loss = MODELS.build(dict(type='MaskedCharLoss'))
    logits = torch.randn(2, 3, 10)
    targets = torch.tensor([[1, 2, 0], [3, 0, 0]])
    valid = torch.tensor([[True, True, False], [True, False, False]])
    expected = torch.nn.functional.cross_entropy(
        torch.stack([logits[0, 0], logits[0, 1], logits[1, 0]]),
        torch.tensor([1, 2, 3]))
    torch.testing.assert_close(loss(logits, targets, valid), expected)
    # Garbage in padded slots changes nothing.
    logits2 = logits.clone()
    logits2[~valid] = 100.
    torch.testing.assert_close(loss(logits2, targets, valid), expected)


def test_contrastive_loss_matches_hand_computation():
    loss_fn = MODELS.build(dict(type='BatchContrastiveLoss'))
    img = torch.tensor([[1., 0., 0.], [0., 2., 0.], [1., 1., 0.]])
    txt = torch.tensor([[3., 0., 0.], [0., 1., 1.], [0., 0., 1.]])
    # By hand: cosine similarities of the normalised rows, scaled by 1/0.07.
    i = img.numpy() / np.linalg.norm(img.numpy(), axis=1, keepdims=True)
    t = txt.numpy() / np.linalg.norm(txt.numpy(), axis=1, keepdims=True)
    s = (i @ t.T) / 0.07

    def ce(rows):
        return np.mean([
            -rows[k, k] + math.log(np.exp(rows[k]).sum())
            for k in range(3)
        ])

    expected = ce(s) + ce(s.T)
    got = loss_fn(img, txt)
    assert got.item() == pytest.approx(expected, rel=1e-5)
    halved = MODELS.build(dict(type='BatchContrastiveLoss', halve=True))
    assert halved(img, txt).item() == pytest.approx(expected / 2, rel=1e-5)


def test_temperature_is_learnable():
    loss_fn = MODELS.build(dict(type='BatchContrastiveLoss'))
    assert loss_fn.logit_scale.requires_grad
    assert loss_fn.logit_scale.item() == pytest.approx(math.log(1 / 0.07))
    img, txt = torch.randn(4, 8), torch.randn(4, 8)
    loss_fn(img, txt).backward()
    assert loss_fn.logit_scale.grad is not None
    assert loss_fn.logit_scale.grad.abs().item() > 0


def test_width_fpnf_is_mmocr_fpnf_at_any_width():
    """WidthFPNF at 256 channels has MMOCR's FPNF's keys and shapes; at 64
    it runs (MMOCR's own fails there) and outputs 64 channels at the
    finest level's size, for both fusions."""
    from mmengine.registry import init_default_scope
    init_default_scope('mmocr')
    feats = [torch.randn(1, c, 32 // 2**i, 32 // 2**i)
             for i, c in enumerate((64, 128, 256, 512))]
    ours = MODELS.build(dict(type='WidthFPNF', in_channels=[64, 128, 256,
                                                            512]))
    ref = MODELS.build(dict(type='FPNF', in_channels=[64, 128, 256, 512]))
    assert {k: v.shape for k, v in ours.state_dict().items()} == \
        {k: v.shape for k, v in ref.state_dict().items()}
    for fusion in ('concat', 'add'):
        neck = MODELS.build(dict(type='WidthFPNF', in_channels=[64, 128, 256,
                                                                512],
                                 out_channels=64, fusion_type=fusion))
        assert neck(feats).shape == (1, 64, 32, 32)
    with pytest.raises(RuntimeError):
        MODELS.build(dict(type='FPNF', in_channels=[64, 128, 256, 512],
                          out_channels=64))(feats)
