import pytest

from rules.normalize import normalize


@pytest.mark.parametrize(
    ("original", "normalised"),
    [
        ("最 佳", "最佳"),
        ("最·佳", "最佳"),
        ("最*佳", "最佳"),
        ("最\u200b佳", "最佳"),
        ("最💯佳", "最佳"),
        ("ＮＯ．１", "no1"),
        ("第①", "第1"),
        ("第❶", "第1"),
        ("最佳療效", "最佳疗效"),
        ("根治", "根治"),
        ("TOP 1", "top1"),
        ("治愈率98.5%", "治愈率98.5%"),
    ],
)
def test_evasions_normalise_to_the_plain_form(original, normalised):
    assert normalize(original).text == normalised


def test_sentence_punctuation_is_kept_so_terms_do_not_join_across_sentences():
    assert normalize("最。佳").text == "最。佳"
    assert normalize("真的，最好").text == "真的,最好"


def test_every_normalised_character_maps_back_to_the_original_span():
    text = "本品效果 最·佳，ＮＯ．１！"
    norm = normalize(text)
    start = norm.text.index("最佳")
    begin, end = norm.span(start, start + 2)
    assert text[begin:end] == "最·佳"
    start = norm.text.index("no1")
    begin, end = norm.span(start, start + 3)
    assert text[begin:end] == "ＮＯ．１"
