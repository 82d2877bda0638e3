"""IncrementalSARDecoder: the same greedy outputs as MMOCR's
ParallelSARDecoder from the same weights, one position's work per step."""
import os.path as osp

import pytest
import torch

from mmocr.registry import MODELS
from mmocr.structures import TextRecogDataSample
from tests.helpers import REPO

DICT = osp.join(REPO, 'dicts/english_digits_symbols.txt')


def _cfg(kind, **kw):
    return dict(
        type=kind, d_model=32, d_enc=32, d_k=16, max_seq_len=12,
        dictionary=dict(type='Dictionary', dict_file=DICT, with_start=True,
                        with_end=True, same_start_end=True,
                        with_padding=True, with_unknown=True), **kw)


@pytest.mark.parametrize('kw', [dict(), dict(pred_concat=True),
                                dict(dec_gru=True)])
@pytest.mark.parametrize('ratios', [None, (1.0, 0.5, 0.25)])
def test_same_outputs_as_parallel_decoder(kw, ratios):
    torch.manual_seed(1)
    ref = MODELS.build(_cfg('ParallelSARDecoder', **kw)).eval()
    inc = MODELS.build(_cfg('IncrementalSARDecoder', **kw)).eval()
    inc.load_state_dict(ref.state_dict(), strict=True)
    # Larger prediction weights: confident, varied characters, so a wrong
    # state would change the greedy path, not only the probabilities.
    with torch.no_grad():
        ref.prediction.weight.mul_(20)
        ref.embedding.weight.mul_(10)
        ref.conv1x1_1.weight.mul_(10)
        ref.conv1x1_2.weight.mul_(20)
        inc.load_state_dict(ref.state_dict())
    feat = torch.randn(3, 32, 6, 20)
    out_enc = torch.randn(3, 32)
    samples = None
    if ratios is not None:
        samples = [TextRecogDataSample(metainfo=dict(valid_ratio=r))
                   for r in ratios]
    with torch.no_grad():
        a = ref.forward_test(feat, out_enc, samples)
        b = inc.forward_test(feat, out_enc, samples)
    assert a.shape == b.shape == (3, 12, ref.num_classes)
    torch.testing.assert_close(b, a, rtol=1e-4, atol=1e-5)
    # A greedy path that changes character: the fed-back state matters.
    paths = a.argmax(-1)
    assert any(len(set(p.tolist())) > 1 for p in paths), paths


def test_training_is_mmocrs_and_bidirectional_is_refused():
    inc = MODELS.build(_cfg('IncrementalSARDecoder'))
    from mmocr.models.textrecog.decoders import ParallelSARDecoder
    assert type(inc).forward_train is ParallelSARDecoder.forward_train
    with pytest.raises(ValueError, match='dec_bi_rnn=False'):
        MODELS.build(_cfg('IncrementalSARDecoder', dec_bi_rnn=True))
