"""Match a rule set against ad text in one automaton pass, then apply context.

Order of work for one text:

1. normalise (full width, traditional, separators…) keeping the origin of each character;
2. one Aho-Corasick pass finds every literal of every rule (with homophone spellings), plus
   the few rules that need a regex;
3. context cancels hits: the rule is not in force for the ad's category, an exception
   pattern overlaps the hit (最佳食用期), a negation stands just before it (不承诺保本), or
   an ``unless`` phrase stands anywhere in the text (a "广告" label for a paid ranking);
4. in a news report, warning or penalty notice (a ``report_markers`` word is present), words
   inside quotation marks are cited, not claimed: their hits are dropped, and required-notice
   rules do not apply (a warning about scams is not a finance ad);
5. required-notice rules add a hit when the notice is missing (保健食品不能代替药物).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick

from rules.loader import DEFAULT_RULESET, Rule, RuleSet, load_ruleset
from rules.normalize import BATCH_SEPARATOR, Normalized, normalize, normalize_many, normalize_pattern

# How far around a hit an exception pattern is looked for, in normalised characters.
EXCEPTION_WINDOW = 16
# How far before a hit a negation may stand ("本产品不能用于治疗" → 5 characters).
NEGATION_WINDOW = 6
SENTENCE_END = re.compile(r"[。！？!?；;\n]")
QUOTED = re.compile(r"“[^”]{1,60}”|「[^」]{1,60}」|『[^』]{1,60}』|‘[^’]{1,60}’|\"[^\"]{1,60}\"")


@dataclass(frozen=True)
class Hit:
    """One piece of evidence: a rule, its article and the span of the original text."""

    rule: str
    article: str
    severity: str
    start: int
    end: int
    text: str
    source: str = "rule"
    note: str = ""

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        if not self.note:
            del data["note"]
        return data


class Matcher:
    """A compiled rule set: build once, match many texts."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self._automaton = ahocorasick.Automaton()
        entries: dict[str, list[int]] = {}
        for index, rule in enumerate(ruleset.rules):
            for pattern in rule.patterns:
                for variant in spellings(normalize_pattern(pattern), ruleset.homophones):
                    entries.setdefault(variant, []).append(index)
        # Report markers ride in the same automaton: one pass tells which ads are reports.
        for marker in ruleset.report_markers:
            entries.setdefault(marker, [])
        markers = set(ruleset.report_markers)
        for key, rule_indexes in entries.items():
            self._automaton.add_word(key, (len(key), tuple(dict.fromkeys(rule_indexes)), key in markers))
        if entries:
            self._automaton.make_automaton()
        self._regex_rules = [(i, r) for i, r in enumerate(ruleset.rules) if r.regex]
        self._required = [r for r in ruleset.rules if r.kind == "required"]
        self._categories = ahocorasick.Automaton()
        for category, keywords in ruleset.category_keywords.items():
            for keyword, weight in keywords.items():
                previous = self._categories.get(keyword, ())
                self._categories.add_word(keyword, (*previous, (category, weight)))
        if ruleset.category_keywords:
            self._categories.make_automaton()

    @property
    def version(self) -> str:
        return self.ruleset.version

    @property
    def automaton_size(self) -> int:
        """Keys in the automaton: literals, their evasive spellings and report markers."""
        return len(self._automaton)

    def guess_category(self, text: str | Normalized) -> tuple[str | None, float]:
        """Rule-based sector guess: the category whose keywords weigh most, and that weight."""
        norm = text if isinstance(text, Normalized) else normalize(text)
        if not self.ruleset.category_keywords:
            return None, 0.0
        totals: dict[str, float] = {}
        for _end, pairs in self._categories.iter(norm.text):
            for category, weight in pairs:
                totals[category] = totals.get(category, 0.0) + weight
        if not totals:
            return None, 0.0
        best = max(totals, key=lambda c: totals[c])
        return best, totals[best]

    def match(self, text: str, *, category: str | None = None) -> list[Hit]:
        """All hits of the rule set in ``text`` for an ad of ``category``, in text order."""
        return self.match_many([text], [category])[0]

    def match_many(self, texts: list[str], categories: list[str | None] | None = None) -> list[list[Hit]]:
        """Hits for each of ``texts`` (with its category), in one automaton pass over the batch."""
        categories = categories if categories is not None else [None] * len(texts)
        norms = normalize_many(texts)
        joined = BATCH_SEPARATOR.join(n.text for n in norms)
        starts: list[int] = []
        position = 0
        for norm in norms:
            starts.append(position)
            position += len(norm.text) + 1
        found: list[list[tuple[int, int, int]]] = [[] for _ in texts]  # (rule, start, end) per ad
        reported = [False] * len(texts)
        if len(self._automaton):
            for end, (length, rule_indexes, marker) in self._automaton.iter(joined):
                begin = end - length + 1
                ad = bisect_right(starts, begin) - 1
                if marker:
                    reported[ad] = True
                local = begin - starts[ad]
                for index in rule_indexes:
                    found[ad].append((index, local, local + length))
        # A regex scans only the ads of the sectors its rule is in force for: most regexes are
        # sector rules (收益率 for finance, N分钟车程 for real estate), and the scans dominate.
        groups: dict[str | None, list[int]] = {}
        for ad, category in enumerate(categories):
            groups.setdefault(category, []).append(ad)
        batches: dict[frozenset[str | None], tuple[str, list[int], list[int]]] = {}
        for index, rule in self._regex_rules:
            key = frozenset(c for c in groups if rule.applies_to(c))
            if not key:
                continue
            if key not in batches:
                batches[key] = _sub_batch(norms, sorted(a for c in key for a in groups[c]))
            text, members, offsets = batches[key]
            for pattern in rule.regex:
                for m in pattern.finditer(text):
                    slot = bisect_right(offsets, m.start()) - 1
                    ad = members[slot]
                    local_start, local_end = m.start() - offsets[slot], m.end() - offsets[slot]
                    if local_end > local_start and local_end <= len(norms[ad].text):
                        found[ad].append((index, local_start, local_end))
        return [self._context(*args) for args in zip(texts, norms, found, categories, reported, strict=True)]

    def _context(self, text: str, norm: Normalized, found: list[tuple[int, int, int]],
                 category: str | None, reported: bool) -> list[Hit]:
        """Apply categories, exceptions, negation, quotations and required notices to raw matches."""
        rules = self.ruleset.rules
        hits: list[Hit] = []
        if found:
            quotes = [m.span() for m in QUOTED.finditer(text)] if reported else []
            for index, start, end in _longest_per_rule(found):
                rule = rules[index]
                if rule.kind != "match" or not rule.applies_to(category):
                    continue
                if rule.unless and any(u in norm.text for u in rule.unless):
                    continue
                if self._excepted(rule, norm.text, start, end):
                    continue
                begin, stop = norm.span(start, end)
                if any(q_start <= begin and stop <= q_end for q_start, q_end in quotes):
                    continue
                hits.append(Hit(rule.id, rule.article, rule.severity, begin, stop, text[begin:stop]))
        if not reported and self._required:
            hits.extend(self._missing_notices(norm.text, category))
        hits.sort(key=lambda h: (h.start, h.end, h.rule))
        return hits

    def _excepted(self, rule: Rule, norm: str, start: int, end: int) -> bool:
        lo, hi = max(0, start - EXCEPTION_WINDOW), min(len(norm), end + EXCEPTION_WINDOW)
        for pattern in rule.exceptions:
            for m in pattern.finditer(norm, lo, hi):
                if m.start() < end and m.end() > start:
                    return True
        if rule.negatable:
            before = norm[max(0, start - NEGATION_WINDOW) : start]
            before = SENTENCE_END.split(before)[-1]
            if any(word in before for word in self.ruleset.negations):
                return True
        return False

    def _missing_notices(self, norm: str, category: str | None) -> list[Hit]:
        hits = []
        for rule in self._required:
            if not rule.applies_to(category):
                continue
            if rule.when and not any(p.search(norm) for p in rule.when):
                continue
            if any(notice in norm for notice in rule.requires):
                continue
            hits.append(Hit(rule.id, rule.article, rule.severity, 0, 0, "", note=rule.description))
        return hits


def _sub_batch(norms: list[Normalized], members: list[int]) -> tuple[str, list[int], list[int]]:
    """The normalised texts of ``members`` joined, with each one's start offset."""
    offsets, position = [], 0
    for ad in members:
        offsets.append(position)
        position += len(norms[ad].text) + 1
    return BATCH_SEPARATOR.join(norms[ad].text for ad in members), members, offsets


def spellings(pattern: str, homophones: dict[str, tuple[str, ...]]) -> list[str]:
    """``pattern`` and its evasive spellings: each character in turn replaced by its pinyin.

    治愈 → 治愈, zhi愈, 治yu: one substitution at a time, which is how such ads are written;
    substituting every character would turn short terms into common pinyin syllables.
    """
    variants = [pattern]
    for i, char in enumerate(pattern):
        for spelling in homophones.get(char, ()):
            variants.append(pattern[:i] + spelling + pattern[i + 1 :])
    return list(dict.fromkeys(variants))


def _longest_per_rule(found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Drop a rule's match that lies inside a longer match of the same rule."""
    found = sorted(set(found), key=lambda f: (f[0], f[1], -f[2]))
    kept: list[tuple[int, int, int]] = []
    for index, start, end in found:
        if kept and kept[-1][0] == index and start < kept[-1][2]:
            continue
        kept.append((index, start, end))
    return kept


@lru_cache(maxsize=4)
def default_matcher(path: str | None = None) -> Matcher:
    """The compiled default rule set (cached: building the automaton is the costly part)."""
    return Matcher(load_ruleset(Path(path) if path else DEFAULT_RULESET))
