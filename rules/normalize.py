"""Text normalisation that keeps a map back to the original characters.

Ads dodge keyword review by writing terms in full width (ＮＯ．１), in traditional
characters (最佳療效), with circled digits (第①) or with separators between characters
(最 佳, 最·佳, 最\u200b佳, 最💯佳). Matching runs on the normalised text; every normalised
character can be traced to the original character it came from, so a hit is reported on the
exact span a reviewer sees.

Normalisation is two C-speed passes — a regex deletes separators, ``str.translate`` folds
every other character — and works on a whole batch of ads at once. The map back to the
original is built only when a hit needs it, and only for ads where characters were deleted
or expanded (for the rest it is the identity).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import opencc

# Characters inserted between the characters of a term to break keyword matching. Sentence
# punctuation (，。！？；：) is kept so that matches never run across sentences.
SEPARATORS = frozenset(" \t\r\n\u3000·・•∙⋅*＊_~～-—–^`'\"|/\\+=#@&<>()[]{}「」『』【】〈〉《》“”‘’…")
# Invisible or decorative characters: zero-width joiners, variation selectors, emoji, symbols.
PADDING_CATEGORIES = frozenset({"Cf", "Mn", "Me", "So", "Sk", "Cc", "Co"})
# Joins a batch of ads into one string; kept by normalisation, never part of a pattern.
BATCH_SEPARATOR = "\x00"


@dataclass(frozen=True)
class Folding:
    """How every character normalises: deleted (a regex) or replaced (a translate table)."""

    delete: re.Pattern[str]
    table: dict[int, str]
    expands: re.Pattern[str]  # characters whose folding is longer than one character


@dataclass
class Normalized:
    """Normalised text, traceable to the original."""

    text: str
    original: str
    _map: _OriginMap | None = field(default=None, repr=False)

    @property
    def origin(self) -> tuple[int, ...]:
        """For each normalised character, the index of the original character it came from."""
        return tuple(self._origin_map().index(k) for k in range(len(self.text)))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalised span ``[start, end)`` to a span of the original text."""
        origin = self._origin_map()
        if end <= start:
            return (origin.index(start), origin.index(start)) if start < len(self.text) else (0, 0)
        return origin.index(start), origin.index(end - 1) + 1

    def _origin_map(self) -> _OriginMap:
        if self._map is None:
            self._map = _OriginMap.build(self.original, self.text)
        return self._map


@lru_cache(maxsize=1)
def traditional_to_simplified() -> dict[str, str]:
    """Character table from OpenCC's maintained ``TSCharacters`` dictionary (first candidate)."""
    path = Path(opencc.__file__).resolve().parent / "dictionary" / "TSCharacters.txt"
    table: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        trad, _, simp = line.partition("\t")
        candidates = simp.split()
        if len(trad) == 1 and candidates and len(candidates[0]) == 1:
            table[trad] = candidates[0]
    return table


def _fold_char(char: str) -> str:
    """What one (non-deleted) character becomes: digits for circled numbers, NFKC, lower, simplified."""
    if unicodedata.category(char) == "No":
        value = unicodedata.digit(char, None)
        if value is not None:
            return str(value)
    folded = unicodedata.normalize("NFKC", char).lower()
    t2s = traditional_to_simplified()
    return "".join(t2s.get(c, c) for c in folded if c not in SEPARATORS)


def _is_padding(char: str) -> bool:
    return char in SEPARATORS or unicodedata.category(char) in PADDING_CATEGORIES


@lru_cache(maxsize=1)
def folding() -> Folding:
    """Build the deletion regex and the translate table once for every code point."""
    deleted: list[int] = []
    table: dict[int, str] = {}
    expanding: list[str] = []
    for point in _code_points():
        char = chr(point)
        if _is_padding(char) or not _fold_char(char):
            deleted.append(point)
            continue
        folded = _fold_char(char)
        if folded != char:
            table[point] = folded
            if len(folded) > 1:
                expanding.append(char)
    ranges = _ranges(deleted)
    # A dot separates letters (N.O.1) but belongs inside numbers (98.5%).
    delete = re.compile(f"[{ranges}]|(?<!\\d)[.．]|[.．](?!\\d)")
    expands = re.compile(f"[{''.join(re.escape(c) for c in expanding)}]") if expanding else re.compile(r"(?!)")
    return Folding(delete, table, expands)


def _code_points() -> list[int]:
    """Every character that normalisation can change: the BMP, emoji and symbol planes, tag
    characters, CJK compatibility ideographs, and traditional characters outside the BMP."""
    planes = [*range(1, 0xD800), *range(0xE000, 0x10000), *range(0x1D400, 0x1D800), *range(0x1F000, 0x1FC00),
              *range(0x2F800, 0x2FA20), *range(0xE0000, 0xE0080)]
    extra = {ord(c) for c in traditional_to_simplified() if ord(c) > 0xFFFF}
    return sorted(set(planes) | extra)


def _ranges(points: list[int]) -> str:
    """A regex character class body for sorted code points, as ranges."""
    parts: list[str] = []
    start = previous = points[0]
    for point in [*points[1:], -1]:
        if point == previous + 1:
            previous = point
            continue
        first, last = re.escape(chr(start)), re.escape(chr(previous))
        parts.append(first if start == previous else f"{first}-{last}")
        start = previous = point
    return "".join(parts)


def normalize(text: str) -> Normalized:
    """Normalise ``text`` for matching; the map back to the original is computed on demand."""
    rules = folding()
    return Normalized(rules.delete.sub("", text).translate(rules.table), text)


def normalize_many(texts: list[str]) -> list[Normalized]:
    """Normalise a batch in two C-level passes over the joined texts."""
    rules = folding()
    cleaned = [t.replace(BATCH_SEPARATOR, " ") if BATCH_SEPARATOR in t else t for t in texts]
    joined = rules.delete.sub("", BATCH_SEPARATOR.join(cleaned)).translate(rules.table)
    return [Normalized(norm, original) for norm, original in zip(joined.split(BATCH_SEPARATOR), cleaned, strict=True)]


def normalize_pattern(pattern: str) -> str:
    """Normalise a rule's literal exactly as the text it is matched against."""
    return normalize(pattern).text


class _OriginMap:
    """Maps normalised indexes to original ones.

    Usually only deletions happen (separators, padding): then an index moves right past the
    deleted positions before it, found by bisection. Texts with expanding characters (rare:
    ㎡, №) get an explicit table.
    """

    def __init__(self, deleted: list[int], table: list[int] | None) -> None:
        self.deleted, self.table = deleted, table

    @classmethod
    def build(cls, original: str, normalised: str) -> _OriginMap:
        rules = folding()
        deleted = [m.start() for m in rules.delete.finditer(original)]
        if not rules.expands.search(original):
            return cls(deleted, None)
        gone = set(deleted)
        table: list[int] = []
        for index, char in enumerate(original):
            if index not in gone:
                table.extend([index] * len(rules.table.get(ord(char), char)))
        if len(table) != len(normalised):
            raise AssertionError("normalisation and its origin map disagree")
        return cls(deleted, table)

    def index(self, k: int) -> int:
        """The original index of normalised character ``k``."""
        if self.table is not None:
            return self.table[k]
        # The k-th kept character: k plus the deleted positions before it.
        i = k + bisect_right(self.deleted, k)
        while True:
            before = bisect_right(self.deleted, i)
            if i - before == k and (before == 0 or self.deleted[before - 1] != i):
                return i
            i = k + before
