"""Every rule's own examples: each positive must raise that rule, each negative must not."""

from pathlib import Path

import pytest

from rules import RuleSyntaxError, default_matcher, load_ruleset

RULESET = load_ruleset()
CASES = [
    pytest.param(rule.id, example, expected, id=f"{rule.id}-{'pos' if expected else 'neg'}{n}")
    for rule in RULESET.rules
    for expected, examples in ((True, rule.positives), (False, rule.negatives))
    for n, example in enumerate(examples)
]


@pytest.mark.parametrize(("rule_id", "example", "expected"), CASES)
def test_rule_example(rule_id, example, expected):
    hits = [h for h in default_matcher().match(example.text, category=example.category) if h.rule == rule_id]
    assert bool(hits) is expected, f"{rule_id} on {example.text!r}: {hits}"


def test_ruleset_covers_every_article_code():
    from rules import ARTICLES

    assert {rule.article for rule in RULESET.rules} == set(ARTICLES)


def _write(folder: Path, rules_yaml: str) -> Path:
    (folder / "index.yaml").write_text('version: "t1"\nfiles: [r.yaml]\n', encoding="utf-8")
    (folder / "r.yaml").write_text(rules_yaml, encoding="utf-8")
    return folder


GOOD = """rules:
  - id: t.ok
    article: 9-abs
    patterns: [最佳]
    examples: {positive: [最佳], negative: [好]}
"""


def test_a_valid_file_loads_and_carries_its_version(tmp_path):
    ruleset = load_ruleset(_write(tmp_path, GOOD))
    assert ruleset.version == "t1" and ruleset.rules[0].id == "t.ok"


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (GOOD + "    regx: [a]\n", "r.yaml:2: rule 't.ok': unknown key 'regx'"),
        (GOOD.replace("9-abs", "99"), "r.yaml:2: rule 't.ok': unknown article '99'"),
        (GOOD.replace("negative: [好]", "negative: []"), "needs at least one positive and one negative example"),
        (GOOD.replace("patterns: [最佳]", "regex: ['(']"), "bad regex '('"),
        (GOOD + "    categories: [宠物]\n", "unknown category '宠物'"),
        (GOOD + GOOD.replace("rules:\n", ""), "rule 't.ok' already defined at r.yaml:2"),
        ("rules: [", "invalid YAML"),
    ],
)
def test_errors_name_file_line_rule_and_reason(tmp_path, broken, message):
    with pytest.raises(RuleSyntaxError, match=None) as error:
        load_ruleset(_write(tmp_path, broken))
    assert message in str(error.value)


def test_a_sector_keyword_that_normalises_to_nothing_is_refused(tmp_path):
    folder = _write(tmp_path, GOOD)
    (folder / "index.yaml").write_text('version: "t1"\nfiles: [r.yaml]\ncategories: c.yaml\n', encoding="utf-8")
    (folder / "c.yaml").write_text("房地产: {楼盘: 2, ☎: 1}\n", encoding="utf-8")
    with pytest.raises(RuleSyntaxError, match="c.yaml: 房地产: keyword '☎' is empty once normalised"):
        load_ruleset(folder)


def test_the_not_an_ad_section_is_validated(tmp_path):
    folder = _write(tmp_path, GOOD)
    (folder / "index.yaml").write_text('version: "t1"\nfiles: [r.yaml]\nnot_an_ad: {keep_articles: ["99"]}\n',
                                       encoding="utf-8")
    with pytest.raises(RuleSyntaxError, match="unknown article in 'keep_articles'"):
        load_ruleset(folder)
