"""Match a rule set against ad text in one automaton pass, then apply context.

Order of work for a batch of texts:

1. normalise the batch (full width, traditional, separators…) keeping the origin of each
   character;
2. one Aho-Corasick pass (ahocorasick_rs) over the joined batch finds every literal of every
   rule in force for the ad's sector, each also spelt with any one character in pinyin (治yu),
   plus the trigger literals of the regex rules: a regex runs only on the ads where its
   trigger occurs (``rules.triggers``);
3. context cancels hits: an exception pattern overlaps the hit (最佳食用期), a negation stands
   just before it in the same phrase (不承诺保本), an ``unless`` phrase stands anywhere in the
   text (a "广告" label for a paid ranking), or an absolute term is part of a trademark or a
   firm's name (「第一坊®」, 淄博第一医药有限公司);
4. in a news report, warning or penalty notice (a ``report_markers`` word is present), words
   inside quotation marks or a citation (因…被罚, 宣称…) are cited, not claimed: their hits are
   dropped, and required-notice rules do not apply (a warning about scams is not a finance ad);
   a report with no call to action at all (no phone, 热线, 订购…) sells nothing, and only hits
   of the articles it may itself break (Art 14, an advertorial dressed as news) stand;
5. required-notice rules add a hit when the notice is missing (保健食品不能代替药物).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import ahocorasick_rs
from pypinyin import Style, pinyin

from rules.loader import DEFAULT_RULESET, Rule, RuleSet, load_ruleset
from rules.normalize import Normalized, normalize, normalize_batch, normalize_pattern
from rules.triggers import trigger_literals

# How far around a hit an exception pattern is looked for, in normalised characters.
EXCEPTION_WINDOW = 16
# How far before a hit a negation may stand, within its clause ("本产品不能用于治疗" → 5
# characters; "本品不能代替药物治疗疾病" → 6).
NEGATION_WINDOW = 8
# How far a negation word may run into the hit it negates (不承诺 + 承诺上岸).
NEGATION_OVERLAP = 4
CLAUSE_END = re.compile(r"[。！？!?；;,，\n]")
# Characters of the original text that end a phrase although normalisation deletes them.
PHRASE_BREAK = re.compile(r"[\s｜|/／\\【】\[\]]")
QUOTED = re.compile(r"“[^”]{1,60}”|「[^」]{1,60}」|『[^』]{1,60}』|‘[^’]{1,60}’|\"[^\"]{1,60}\"")


class Hit(NamedTuple):
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
        data: dict[str, object] = self._asdict()
        if not self.note:
            del data["note"]
        return data


class Matcher:
    """A compiled rule set: build once, match many texts."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        rules = ruleset.rules
        literal_rules: dict[str, list[int]] = {}
        patterns = [[normalize_pattern(p) for p in rule.patterns] for rule in rules]
        evasive = evasive_spellings({c for group in patterns for p in group for c in p}, ruleset.homophones)
        for index, group in enumerate(patterns):
            for pattern in group:
                for variant in spellings(pattern, evasive):
                    literal_rules.setdefault(variant, []).append(index)
        # A regex runs only on the ads where one of its trigger literals occurs; a regex with
        # no usable trigger runs on every ad of the sectors it is in force for.
        regex_triggers: dict[str, list[int]] = {}
        self._untriggered: list[int] = []
        for index, rule in enumerate(rules):
            if not rule.regex:
                continue
            triggers: set[str] = set()
            for pattern in rule.regex:
                found = trigger_literals(pattern)
                if found is None:
                    triggers = set()
                    break
                triggers |= found
            if not triggers:
                self._untriggered.append(index)
            for trigger in triggers:
                regex_triggers.setdefault(trigger, []).append(index)
        # Literals, triggers and report markers ride in one automaton: one pass over a batch.
        markers = set(ruleset.report_markers)
        keys = list(dict.fromkeys([*literal_rules, *regex_triggers, *ruleset.report_markers]))
        self._keys = [(tuple(dict.fromkeys(literal_rules.get(k, ()))), tuple(regex_triggers.get(k, ())), k in markers)
                      for k in keys]
        self._automaton = ahocorasick_rs.AhoCorasick(keys) if keys else None
        self._automaton_size = len(keys)
        self._in_force_cache: dict[str | None, tuple[frozenset[int], tuple[Rule, ...]]] = {}
        self._negation = re.compile("|".join(map(re.escape, ruleset.negations))) if ruleset.negations else None
        # The sector keywords get an automaton of their own: a keyword weighs in every category
        # that lists it.
        weighted: dict[str, list[tuple[str, float]]] = {}
        for category, keywords in ruleset.category_keywords.items():
            for keyword, weight in keywords.items():
                weighted.setdefault(keyword, []).append((category, weight))
        self._category_weights = list(weighted.values())
        self._categories = ahocorasick_rs.AhoCorasick(list(weighted)) if weighted else None

    @property
    def version(self) -> str:
        return self.ruleset.version

    @property
    def automaton_size(self) -> int:
        """Keys in the automaton: literals, their evasive spellings, regex triggers and report markers."""
        return self._automaton_size

    def guess_category(self, text: str | Normalized) -> tuple[str | None, float]:
        """Rule-based sector guess: the category whose keywords weigh most, and that weight."""
        if self._categories is None:
            return None, 0.0
        norm = text if isinstance(text, Normalized) else normalize(text)
        totals: dict[str, float] = {}
        for key, _start, _end in self._categories.find_matches_as_indexes(norm.text, overlapping=True):
            for category, weight in self._category_weights[key]:
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
        batch = normalize_batch(texts)
        starts = batch.starts
        found: dict[int, list[tuple[int, int, int]]] = {}  # ad → (rule, start, end), normalised
        reported: set[int] = set()
        triggered: dict[int, set[int]] = {}  # regex rule → ads where one of its triggers occurs
        allowed_for = {c: self._in_force(c)[0] for c in set(categories)}
        if self._automaton is not None:
            keys = self._keys
            for key, start, end in self._automaton.find_matches_as_indexes(batch.text, overlapping=True):
                ad = bisect_right(starts, start) - 1
                literal_rules, regex_rules, marker = keys[key]
                if marker:
                    reported.add(ad)
                if literal_rules:
                    allowed = allowed_for[categories[ad]]
                    local = start - starts[ad]
                    for index in literal_rules:
                        if index in allowed:
                            found.setdefault(ad, []).append((index, local, local + end - start))
                if regex_rules:
                    allowed = allowed_for[categories[ad]]
                    for index in regex_rules:
                        if index in allowed:
                            triggered.setdefault(index, set()).add(ad)
        for index in self._untriggered:
            triggered[index] = {ad for ad, c in enumerate(categories) if index in allowed_for[c]}
        rules = self.ruleset.rules
        for index, ads in triggered.items():
            rule = rules[index]
            for ad in sorted(ads):
                begin, stop = starts[ad], batch.end(ad)
                for pattern in rule.regex:
                    for m in pattern.finditer(batch.text, begin, stop):
                        if m.end() > m.start():
                            found.setdefault(ad, []).append((index, m.start() - begin, m.end() - begin))
        needs_notice = {c for c in allowed_for if self._in_force(c)[1]}
        results: list[list[Hit]] = []
        for ad, category in enumerate(categories):
            matches = found.get(ad)
            if matches is None and (category not in needs_notice or ad in reported):
                results.append([])
                continue
            results.append(self._context(batch.item(ad), matches or [], category, ad in reported))
        return results

    def _in_force(self, category: str | None) -> tuple[frozenset[int], tuple[Rule, ...]]:
        """For an ad of ``category``: the indexes of the match rules in force, and the
        required-notice rules in force."""
        cached = self._in_force_cache.get(category)
        if cached is None:
            rules = self.ruleset.rules
            matching = frozenset(i for i, r in enumerate(rules) if r.kind == "match" and r.applies_to(category))
            required = tuple(r for r in rules if r.kind == "required" and r.applies_to(category))
            cached = self._in_force_cache[category] = (matching, required)
        return cached

    def _context(self, norm: Normalized, found: list[tuple[int, int, int]],
                 category: str | None, reported: bool) -> list[Hit]:
        """Apply exceptions, negation, quotations and required notices to raw matches."""
        rules, text = self.ruleset.rules, norm.original
        hits: list[Hit] = []
        not_an_ad = self.ruleset.not_an_ad
        if found and not_an_ad and not_an_ad.sells_nothing(norm.text, reported=reported):
            found = [f for f in found if rules[f[0]].article in not_an_ad.keep_articles]
        if found:
            quotes = [m.span() for m in QUOTED.finditer(text)] if reported else []
            cited = [m.span() for p in self.ruleset.citations for m in p.finditer(norm.text)] if reported else []
            names = self.ruleset.proper_names
            for index, start, end in _longest_per_rule(found):
                rule = rules[index]
                if rule.unless and any(u in norm.text for u in rule.unless):
                    continue
                if (rule.exceptions or rule.negatable) and self._excepted(rule, norm, start, end):
                    continue
                if cited and any(c_start <= start and end <= c_end for c_start, c_end in cited):
                    continue
                begin, stop = norm.span(start, end)
                # Overlap, not containment: quotation marks are deleted before matching, so a
                # match can run from one quoted phrase into the next (“月入过万”“三个月回本”).
                if quotes and any(q_start < stop and begin < q_end for q_start, q_end in quotes):
                    continue
                if names and rule.article in names.articles and (
                        names.trademark.match(text, stop) or names.firm.match(norm.text, end)):
                    continue
                hits.append(Hit(rule.id, rule.article, rule.severity, begin, stop, text[begin:stop]))
        if not reported:
            hits.extend(self._missing_notices(norm.text, category))
        hits.sort(key=lambda h: (h.start, h.end, h.rule))
        return hits

    def _excepted(self, rule: Rule, norm: Normalized, start: int, end: int) -> bool:
        text = norm.text
        lo, hi = max(0, start - EXCEPTION_WINDOW), min(len(text), end + EXCEPTION_WINDOW)
        for pattern in rule.exceptions:
            for m in pattern.finditer(text, lo, hi):
                if m.start() < end and m.end() > start:
                    return True
        return rule.negatable and self._negated(norm, start)

    def _negated(self, norm: Normalized, start: int) -> bool:
        """A negation word stands just before ``start``, in the same clause of the original.

        Normalisation deletes the ｜ and spaces that end a phrase on a banner, so the original
        between the negation and the hit is checked too: in 保健食品不能代替药物｜调理三高 the
        negation belongs to the notice, not to the claim."""
        if self._negation is None:
            return False
        window_start = max(0, start - NEGATION_WINDOW)
        before = CLAUSE_END.split(norm.text[window_start:start])[-1]
        offset = start - len(before)
        original, hit_at = norm.original, norm.index(start) if start < len(norm.text) else len(norm.original)
        # A negation may also run into the hit: 不承诺上岸 negates the hit 承诺上岸.
        found = self._negation.finditer(norm.text, offset, start + NEGATION_OVERLAP)
        for m in reversed([m for m in found if m.start() < start]):
            if m.end() >= start:
                return True
            between = original[norm.index(m.end() - 1) + 1 : hit_at]
            if not PHRASE_BREAK.search(between):
                return True
        return False

    def _missing_notices(self, norm: str, category: str | None) -> list[Hit]:
        hits = []
        for rule in self._in_force(category)[1]:
            if rule.when and not any(p.search(norm) for p in rule.when):
                continue
            if any(notice in norm for notice in rule.requires):
                continue
            hits.append(Hit(rule.id, rule.article, rule.severity, 0, 0, "", note=rule.description))
        return hits


def evasive_spellings(chars: set[str], homophones: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """How each Chinese character of the rule literals may be written to slip past review:
    every pinyin reading (toneless: normalisation strips tone marks) and the rule set's own
    look-alike characters (蕞 for 最)."""
    table: dict[str, tuple[str, ...]] = {}
    for char in sorted(chars):
        readings: list[str] = []
        if _is_han(char):
            for reading in pinyin(char, style=Style.NORMAL, heteronym=True)[0]:
                # ü is written v or u; one-letter syllables (a, e, o) are too common to match.
                readings += [reading, reading.replace("v", "u")] if "v" in reading else [reading]
        readings = [r for r in readings if len(r) >= 2 and r.isascii() and r.isalpha()]
        spellings_ = tuple(dict.fromkeys([*readings, *homophones.get(char, ())]))
        if spellings_:
            table[char] = spellings_
    return table


def spellings(pattern: str, table: dict[str, tuple[str, ...]]) -> list[str]:
    """``pattern`` and its evasive spellings: each character in turn replaced by its pinyin.

    治愈 → 治愈, zhi愈, 治yu: one substitution at a time, which is how such ads are written;
    substituting every character would turn short terms into common pinyin syllables, and a
    variant must keep at least one Chinese character for the same reason.
    """
    variants = [pattern]
    for i, char in enumerate(pattern):
        for spelling in table.get(char, ()):
            variant = pattern[:i] + spelling + pattern[i + 1 :]
            if any(_is_han(c) for c in variant):
                variants.append(variant)
    return list(dict.fromkeys(variants))


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _longest_per_rule(found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Drop a rule's match that lies inside a longer match of the same rule."""
    if len(found) == 1:
        return found
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
