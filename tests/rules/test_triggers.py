import json
import re
from pathlib import Path

import pytest

import rules.engine
from rules.engine import Matcher
from rules.loader import load_ruleset
from rules.normalize import normalize
from rules.triggers import trigger_literals

CORPUS = Path(__file__).resolve().parents[1] / "data" / "rules"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("专利(号|证号)", {"专利号", "专利证号"}),
        ("[0-9]+(天|周)(瘦|减)", {"天瘦", "天减", "周瘦", "周减"}),
        ("(提升|降低)(了)?[0-9]{2}%", {"提升", "提升了", "降低", "降低了"}),
        ("(?:原价[0-9]+)|(?:不要[0-9]+)", {"原价", "不要"}),
        ("(?<!提醒)患者[^,]{0,5}:", {"患者"}),
    ],
)
def test_trigger_literals_are_the_most_selective_required_strings(pattern, expected):
    assert trigger_literals(re.compile(pattern)) == expected


@pytest.mark.parametrize("pattern", ["[0-9]+元?", "(最)?[0-9]", "a|[0-9]", "(?i)abc"])
def test_a_regex_without_a_required_literal_has_no_trigger(pattern):
    assert trigger_literals(re.compile(pattern)) is None


def test_every_match_of_every_bundled_regex_contains_one_of_its_triggers():
    ruleset = load_ruleset()
    texts = [json.loads(line)["text"] for line in (CORPUS / "tune.jsonl").read_text(encoding="utf-8").splitlines()]
    texts += [example.text for rule in ruleset.rules for example in rule.positives]
    checked = 0
    for rule in ruleset.rules:
        for pattern in rule.regex:
            triggers = trigger_literals(pattern)
            if triggers is None:
                continue
            for text in texts:
                for m in pattern.finditer(normalize(text).text):
                    assert any(t in m.group() for t in triggers), (rule.id, m.group())
                    checked += 1
    assert checked > 200


def test_triggered_regexes_find_what_running_every_regex_finds(monkeypatch):
    records = [json.loads(line) for line in (CORPUS / "tune.jsonl").read_text(encoding="utf-8").splitlines()]
    texts, categories = [r["text"] for r in records], [r["category"] for r in records]
    fast = Matcher(load_ruleset()).match_many(texts, categories)
    monkeypatch.setattr(rules.engine, "trigger_literals", lambda pattern: None)
    slow = Matcher(load_ruleset()).match_many(texts, categories)
    assert fast == slow
    assert sum(map(len, fast)) > 300
