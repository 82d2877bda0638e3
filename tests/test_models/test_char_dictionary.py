"""OCLIPDictionary: the released id layout and dictionary files."""

import pytest

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


def test_missing_dictionary_file_names_the_setting(tmp_path):
    from mmocr.registry import TASK_UTILS
    missing = str(tmp_path / 'dict.txt')
    for cfg in (dict(type='OCLIPDictionary', dict_file=missing,
                     setting='lsvt_dict'),
                dict(type='CheckedDictionary', dict_file=missing,
                     setting='lsvt_dict', with_end=True)):
        with pytest.raises(FileNotFoundError) as err:
            TASK_UTILS.build(cfg)
        msg = str(err.value)
        assert f'{missing} not found' in msg and 'lsvt_dict=FILE' in msg
        assert 'lsvt_weak.py' in msg and '\n' not in msg
