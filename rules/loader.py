"""Load and validate rule sets (YAML data) into typed, immutable rules.

A rule set is a folder with ``index.yaml``::

    version: "2026.11"
    files: [absolute.yaml, medical.yaml, …]     # rule files, each ``rules: [ … ]``
    homophones: homophones.yaml                   # character → pinyin/homophone spellings
    categories: categories.yaml                   # keywords for the rule-based category guess

Every error names the file, the line and the rule: ``absolute.yaml:42: rule 'abs.best':
unknown key 'regx'``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from admon.datafile import read_yaml
from rules.normalize import normalize_pattern

DEFAULT_RULESET = Path(__file__).resolve().parent / "rulesets"

ARTICLES = (
    "9-flag", "9-state", "9-abs", "9-vice", "11", "12", "13", "14", "16", "17", "18", "19", "20",
    "21", "22", "23", "24", "25", "26", "28", "38", "40",
)
CATEGORIES = (
    "医疗服务", "药品", "医疗器械", "保健食品", "食品饮料", "化妆品", "房地产", "金融投资", "教育培训",
    "招商加盟", "烟草", "酒类", "农资", "网络游戏", "日用消费品", "公益",
)
SEVERITIES = {"low": 0.35, "medium": 0.6, "high": 0.8, "critical": 0.95}
KINDS = ("match", "required")
RULE_KEYS = {
    "id", "article", "severity", "kind", "description", "patterns", "regex", "categories",
    "exclude_categories", "exceptions", "unless", "negatable", "requires", "when", "examples",
}


def article_order(code: str) -> tuple[int, str]:
    """Sort key for article codes in the law's order: 9-abs before 16 before 28."""
    number, _, suffix = code.partition("-")
    return int(number), suffix


class RuleSyntaxError(ValueError):
    """A rule file is malformed; the message says where and why."""


@dataclass(frozen=True)
class Example:
    text: str
    category: str | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    article: str
    severity: str
    kind: str
    description: str
    patterns: tuple[str, ...]
    regex: tuple[re.Pattern[str], ...]
    categories: frozenset[str] | None  # None: every category
    exclude_categories: frozenset[str]
    exceptions: tuple[re.Pattern[str], ...]
    unless: tuple[str, ...]  # normalised literals: present anywhere in the text, the rule is off
    negatable: bool
    requires: tuple[str, ...]
    when: tuple[re.Pattern[str], ...]
    positives: tuple[Example, ...]
    negatives: tuple[Example, ...]
    location: str = ""

    @property
    def weight(self) -> float:
        return SEVERITIES[self.severity]

    def applies_to(self, category: str | None) -> bool:
        """Whether the rule is in force for an ad of ``category``."""
        if category in self.exclude_categories:
            return False
        return self.categories is None or category in self.categories


@dataclass(frozen=True)
class ProperNames:
    """Where a term is part of a name, not a claim: hits of ``articles`` right before a
    trademark sign (on the original text) or a firm-name suffix (on the normalised text)."""

    articles: frozenset[str]
    trademark: re.Pattern[str]
    firm: re.Pattern[str]


@dataclass(frozen=True)
class NotAnAd:
    """Texts that advertise nothing, whose hits are citations: a report with none of the
    ``calls_to_action`` (phone, 热线, 订购…), or any text with one of the ``markers`` (招聘).
    Hits of ``keep_articles`` stand even there (Art 14: an advertorial dressed as news)."""

    calls_to_action: tuple[re.Pattern[str], ...]
    keep_articles: frozenset[str]
    markers: tuple[str, ...]

    def sells_nothing(self, text: str, *, reported: bool) -> bool:
        """Whether normalised ``text`` (a report when ``reported``) advertises nothing."""
        if any(marker in text for marker in self.markers):
            return True
        return reported and bool(self.calls_to_action) and not any(p.search(text) for p in self.calls_to_action)


@dataclass(frozen=True)
class RuleSet:
    version: str
    rules: tuple[Rule, ...]
    homophones: dict[str, tuple[str, ...]] = field(default_factory=dict)
    category_keywords: dict[str, dict[str, float]] = field(default_factory=dict)
    negations: tuple[str, ...] = ()
    report_markers: tuple[str, ...] = ()
    citations: tuple[re.Pattern[str], ...] = ()
    proper_names: ProperNames | None = None
    not_an_ad: NotAnAd | None = None
    path: Path | None = None

    def by_id(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def ruleset_version(path: Path | str = DEFAULT_RULESET) -> str:
    """The version stamped in a rule set's ``index.yaml``, without loading its rules."""
    return str(_read_index(Path(path) / "index.yaml")["version"])


def load_ruleset(path: Path | str = DEFAULT_RULESET) -> RuleSet:
    """Load the rule set in folder ``path`` and validate every rule."""
    folder = Path(path)
    index_path = folder / "index.yaml"
    index = _read_index(index_path)
    homophones = _load_homophones(folder / index["homophones"]) if index.get("homophones") else {}
    categories = _load_categories(folder / index["categories"]) if index.get("categories") else {}
    negations = tuple(normalize_pattern(n) for n in _strings(index, "negations", str(index_path)))
    report_markers = tuple(normalize_pattern(m) for m in _strings(index, "report_markers", str(index_path)))
    citations = tuple(_compile(p, f"{index_path}: citations") for p in _strings(index, "citations", str(index_path)))
    proper_names = _proper_names(index.get("proper_names"), f"{index_path}: proper_names")
    not_an_ad = _not_an_ad(index.get("not_an_ad"), f"{index_path}: not_an_ad")
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for name in index["files"]:
        for rule in _load_rule_file(folder / name):
            if rule.id in seen:
                raise RuleSyntaxError(f"{rule.location}: rule {rule.id!r} already defined at {seen[rule.id]}")
            seen[rule.id] = rule.location
            rules.append(rule)
    return RuleSet(
        version=str(index["version"]),
        rules=tuple(rules),
        homophones=homophones,
        category_keywords=categories,
        negations=negations,
        report_markers=report_markers,
        citations=citations,
        proper_names=proper_names,
        not_an_ad=not_an_ad,
        path=folder,
    )


def _proper_names(raw: Any, where: str) -> ProperNames | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) != {"articles", "trademark", "firm"}:
        raise RuleSyntaxError(f"{where}: needs exactly 'articles', 'trademark' and 'firm'")
    articles = [str(a) for a in raw["articles"]] if isinstance(raw["articles"], list) else []
    unknown = [a for a in articles if a not in ARTICLES]
    if not articles or unknown:
        raise RuleSyntaxError(f"{where}: 'articles' must be a list of article codes (not {unknown or articles!r})")
    return ProperNames(frozenset(articles), _compile(str(raw["trademark"]), where), _compile(str(raw["firm"]), where))


def _not_an_ad(raw: Any, where: str) -> NotAnAd | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) - {"calls_to_action", "keep_articles", "markers"}:
        raise RuleSyntaxError(f"{where}: expected 'calls_to_action', 'keep_articles' and 'markers'")
    keep = frozenset(str(a) for a in raw.get("keep_articles", []))
    if keep - set(ARTICLES):
        raise RuleSyntaxError(f"{where}: unknown article in 'keep_articles': {sorted(keep - set(ARTICLES))}")
    return NotAnAd(tuple(_compile(p, where) for p in _strings(raw, "calls_to_action", where)), keep,
                   tuple(normalize_pattern(m) for m in _strings(raw, "markers", where)))


def _read_index(path: Path) -> dict[str, Any]:
    index = _read_yaml(path)
    if not isinstance(index, dict) or "version" not in index or "files" not in index:
        raise RuleSyntaxError(f"{path}: needs 'version' and 'files'")
    return index


def _read_yaml(path: Path) -> Any:
    return read_yaml(path, error=RuleSyntaxError)


def _load_rule_file(path: Path) -> list[Rule]:
    data = _read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleSyntaxError(f"{path}: expected a mapping with a 'rules' list")
    # Compose the node tree as well, only to know the line each rule starts on.
    root = yaml.compose(path.read_bytes().decode("utf-8", errors="replace"))  # read_yaml checked the encoding
    rule_nodes = next(v for k, v in root.value if k.value == "rules").value
    return [
        _parse_rule(raw, f"{path.name}:{node.start_mark.line + 1}")
        for raw, node in zip(data["rules"], rule_nodes, strict=True)
    ]


def _parse_rule(raw: Any, location: str) -> Rule:
    if not isinstance(raw, dict):
        raise RuleSyntaxError(f"{location}: a rule must be a mapping")
    rule_id = raw.get("id")
    where = f"{location}: rule {rule_id!r}"
    if not isinstance(rule_id, str) or not re.fullmatch(r"[a-z0-9_.-]+", rule_id):
        raise RuleSyntaxError(f"{location}: rule id must be lower-case letters, digits, '.', '_' or '-'")
    unknown = set(raw) - RULE_KEYS
    if unknown:
        raise RuleSyntaxError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    article = str(raw.get("article", ""))
    if article not in ARTICLES:
        raise RuleSyntaxError(f"{where}: unknown article {article!r} (one of {', '.join(ARTICLES)})")
    severity = raw.get("severity", "medium")
    if severity not in SEVERITIES:
        raise RuleSyntaxError(f"{where}: severity must be one of {', '.join(SEVERITIES)}")
    kind = raw.get("kind", "match")
    if kind not in KINDS:
        raise RuleSyntaxError(f"{where}: kind must be one of {', '.join(KINDS)}")
    patterns = tuple(_strings(raw, "patterns", where))
    regex = tuple(_compile(p, where) for p in _strings(raw, "regex", where))
    requires = tuple(_strings(raw, "requires", where))
    if kind == "match" and not (patterns or regex):
        raise RuleSyntaxError(f"{where}: a match rule needs 'patterns' or 'regex'")
    if kind == "required" and not requires:
        raise RuleSyntaxError(f"{where}: a required-notice rule needs 'requires'")
    categories = raw.get("categories", "all")
    if categories == "all":
        category_set = None
    else:
        category_set = frozenset(_categories(categories, where))
    examples = raw.get("examples") or {}
    positives = tuple(_examples(examples.get("positive"), where, "positive"))
    negatives = tuple(_examples(examples.get("negative"), where, "negative"))
    if not positives or not negatives:
        raise RuleSyntaxError(f"{where}: needs at least one positive and one negative example")
    return Rule(
        id=rule_id,
        article=article,
        severity=severity,
        kind=kind,
        description=str(raw.get("description", "")),
        patterns=patterns,
        regex=regex,
        categories=category_set,
        exclude_categories=frozenset(_categories(raw.get("exclude_categories", []), where)),
        exceptions=tuple(_compile(p, where) for p in _strings(raw, "exceptions", where)),
        unless=tuple(normalize_pattern(u) for u in _strings(raw, "unless", where)),
        negatable=bool(raw.get("negatable", False)),
        requires=tuple(normalize_pattern(r) for r in requires),
        when=tuple(_compile(p, where) for p in _strings(raw, "when", where)),
        positives=positives,
        negatives=negatives,
        location=location,
    )


def _strings(raw: dict[str, Any], key: str, where: str) -> list[str]:
    value = raw.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise RuleSyntaxError(f"{where}: '{key}' must be a list of non-empty strings")
    return value


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise RuleSyntaxError(f"{where}: bad regex {pattern!r}: {exc}") from None


def _categories(value: Any, where: str) -> list[str]:
    if not isinstance(value, list):
        raise RuleSyntaxError(f"{where}: categories must be 'all' or a list")
    for category in value:
        if category not in CATEGORIES:
            raise RuleSyntaxError(f"{where}: unknown category {category!r}")
    return value


def _examples(value: Any, where: str, kind: str) -> list[Example]:
    out = []
    for item in value or []:
        if isinstance(item, str):
            out.append(Example(item))
        elif isinstance(item, dict) and isinstance(item.get("text"), str):
            category = item.get("category")
            if category is not None:
                _categories([category], where)
            out.append(Example(item["text"], category))
        else:
            raise RuleSyntaxError(f"{where}: each {kind} example is a string or {{text, category}}")
    return out


def _load_homophones(path: Path) -> dict[str, tuple[str, ...]]:
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise RuleSyntaxError(f"{path}: expected a mapping of character → spellings")
    table: dict[str, tuple[str, ...]] = {}
    for char, spellings in data.items():
        if not isinstance(char, str) or len(char) != 1:
            raise RuleSyntaxError(f"{path}: key {char!r} must be one character")
        if isinstance(spellings, str):
            spellings = [spellings]
        table[char] = tuple(normalize_pattern(s) for s in spellings)
    return table


def _load_categories(path: Path) -> dict[str, dict[str, float]]:
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise RuleSyntaxError(f"{path}: expected a mapping of category → keywords")
    table: dict[str, dict[str, float]] = {}
    for category, keywords in data.items():
        _categories([category], f"{path}")
        if isinstance(keywords, list):
            keywords = {k: 1.0 for k in keywords}
        if not isinstance(keywords, dict):
            raise RuleSyntaxError(f"{path}: {category}: keywords must be a list or a mapping to weights")
        table[category] = {}
        for keyword, weight in keywords.items():
            normalised = normalize_pattern(str(keyword))
            if not normalised:  # a symbol (☎, ㎡) normalises away and could never match
                raise RuleSyntaxError(f"{path}: {category}: keyword {keyword!r} is empty once normalised")
            table[category][normalised] = float(weight)
    return table
