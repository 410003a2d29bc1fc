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
        ("第①｜48课时", "第1 48课时"),
        ("ＮＯ．１｜93%的用户", "no1 93%的用户"),
        ("1\u200b00%", "100%"),
        ("0533-2512345", "0533 2512345"),
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


def reference_normalize(text: str) -> str:
    """Character by character, the slow obvious way: what the fast path must equal."""
    import unicodedata

    from rules.normalize import _fold_char, _is_padding

    out: list[str] = []
    skipped = ""  # the first character deleted since the last one kept
    for index, char in enumerate(text):
        if char in ".．":
            before = text[index - 1] if index else ""
            after = text[index + 1] if index + 1 < len(text) else ""
            folded = "." if before.isdecimal() and after.isdecimal() else ""
        else:
            folded = "" if _is_padding(char) else _fold_char(char)
        if not folded:
            skipped = skipped or char
            continue
        # digits on both sides of a visible separator stay apart: 第①｜48 → 第1 48
        visible = skipped and unicodedata.category(skipped) != "Cf"
        if visible and out and out[-1] in DIGITS and folded in DIGITS:
            out.append(" ")
        out.append(folded)
        skipped = ""
    return "".join(out)


DIGITS = set("0123456789")


ALPHABET = ("最佳第一顶级療效根治治愈率保證收益ＮＯ．１ＴＯＰ①❶⑴㈠ abcXYZ0123456789.．,，。！？·*_-—\u200b\u200d\ufe0f"
            "💯🔥👍™®©＄％％&\t\n\x01\x7f\u3000【】「」“”")


def test_fast_batch_normalisation_equals_the_character_by_character_reference():
    import random

    from rules.normalize import normalize_many

    rnd = random.Random(7)
    texts = ["".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 40))) for _ in range(3000)]
    for text, norm in zip(texts, normalize_many(texts), strict=True):
        assert norm.text == reference_normalize(text), repr(text)
        assert len(norm.origin) == len(norm.text)
        for k, i in enumerate(norm.origin):
            boundary = norm.text[k] == " " and reference_normalize(text[i]) == ""  # a deleted separator
            assert norm.text[k] in reference_normalize(text[i]) or text[i] in ".．" or boundary, (text, k, i)


@pytest.mark.parametrize(
    "text",
    ["", "\x00\x00", "a\x00b最佳", "最佳" * 50_000, "\x01\x02\x7f最\x1b佳", "مرحبا最佳Привет𠀀𪚥👨‍👩‍👧",
     "最\ud800佳\udfff"],
    ids=["empty", "nul", "nul-inside", "100k", "control", "mixed-scripts", "lone-surrogates"],
)
def test_odd_text_never_crashes_the_engine(text):
    from rules import default_matcher

    hits = default_matcher().match(text)
    for hit in hits:
        assert text[hit.start : hit.end] == hit.text
