import pytest
import torch

from mmocr.registry import MODELS
from tests.helpers import tiny_model_cfg
from tests.helpers import batch, build_dataset


def _run(model, data, mode):
    data = model.data_preprocessor(data, training=mode == 'loss')
    return model(**data, mode=mode)


def test_loss_predict_tensor_modes(synthetic_root):
    ds = build_dataset(synthetic_root, 64)
    model = MODELS.build(tiny_model_cfg(64))
    data = batch(ds, range(4))
    losses = _run(model, data, 'loss')
    assert set(losses) == {'loss_contrastive', 'loss_char', 'char_acc'}
    for v in losses.values():
        assert v.dim() == 0 and torch.isfinite(v)
    img, txt, logits = _run(model, data, 'tensor')
    words = max(len(s.words) for s in data['data_samples'])
    assert img.shape == (4, 32) and txt.shape == (4, 32)
    assert logits.shape == (4, words, 97)
    model.eval()
    samples = _run(model, batch(ds, range(4)), 'predict')
    for s in samples:
        n = len(s.words)
        assert len(s.pred_chars) == n and s.pred_char_ids.shape == (n, )
        assert s.attn_maps.shape == (n, 2, 2)
        assert s.image_embed.shape == (32, )
        assert s.image_embed.norm().item() == pytest.approx(1, abs=1e-5)


def test_released_mode_pools_all_slots(synthetic_root):
    ds = build_dataset(synthetic_root, 64, max_words=32, shuffle=False)
    paper = MODELS.build(tiny_model_cfg(64))
    released = MODELS.build(
        tiny_model_cfg(64, text_pooling='all_slots', num_word_slots=32))
    released.load_state_dict(paper.state_dict())
    paper.eval()
    released.eval()
    data = batch(ds, range(2))
    _, txt_p, _ = _run(paper, data, 'tensor')
    _, txt_r, logits = _run(released, data, 'tensor')
    assert logits.shape[1] == 32
    # Released: the mean over 32 slots, padding slots included.
    pre = released.data_preprocessor(data, training=False)
    tokens, _, valid = released._stack_words(pre['data_samples'], 'cpu')
    slots = released.text_encoder(tokens.flatten(0, 1)).view(2, 32, -1)
    torch.testing.assert_close(txt_r, slots.mean(1))
    words = torch.stack([slots[i][valid[i]].mean(0) for i in range(2)])
    torch.testing.assert_close(txt_p, words, rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match='num_word_slots'):
        MODELS.build(tiny_model_cfg(64, text_pooling='all_slots'))


def test_ablations(synthetic_root):
    ds = build_dataset(synthetic_root, 64)
    data = batch(ds, range(2))
    no_dec = MODELS.build(tiny_model_cfg(64, decoder=None, loss_char=None))
    assert set(_run(no_dec, data, 'loss')) == {'loss_contrastive'}
    no_con = MODELS.build(tiny_model_cfg(64, loss_contrastive=None))
    assert set(_run(no_con, batch(ds, range(2)), 'loss')) == {
        'loss_char', 'char_acc'}
    assert not no_con.loss_contrastive.logit_scale.requires_grad
    with pytest.raises(ValueError, match='at least one'):
        MODELS.build(tiny_model_cfg(64, decoder=None, loss_contrastive=None))


def test_too_many_words_for_slots_is_a_clear_error(synthetic_root):
    ds = build_dataset(synthetic_root, 64, max_words=32)
    model = MODELS.build(tiny_model_cfg(64, num_word_slots=1))
    data = batch(ds, range(len(ds)))
    with pytest.raises(ValueError, match='word slots'):
        _run(model, data, 'loss')


@pytest.mark.slow
def test_overfits_eight_images(synthetic_root):
    """Learning, not just running: masked characters and retrieval."""
    torch.manual_seed(0)
    ds = build_dataset(synthetic_root, 128)
    model = MODELS.build(tiny_model_cfg(128))
    optim = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.)
    first = None
    for it in range(200):
        losses = _run(model, batch(ds), 'loss')
        loss = losses['loss_char'] + losses['loss_contrastive']
        optim.zero_grad()
        loss.backward()
        optim.step()
        first = first if first is not None else loss.item()
    assert loss.item() < 0.25 * first

    model.eval()
    correct = total = 0
    for _ in range(3):  # fresh masks and crops each round
        samples = _run(model, batch(ds), 'predict')
        for s in samples:
            correct += int((s.pred_char_ids == s.gt_chars).sum())
            total += len(s.gt_chars)
    acc = correct / total
    print(f"char acc {acc:.3f} loss {first:.3f}->{loss.item():.3f}")
    assert acc >= 0.9, f'masked-character accuracy {acc:.3f}'
    img = torch.stack([s.image_embed for s in samples])
    txt = torch.stack([s.text_embed for s in samples])
    top1 = (img @ txt.t()).argmax(1)
    assert top1.tolist() == list(range(len(samples)))
