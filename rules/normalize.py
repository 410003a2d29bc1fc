"""Text normalisation that keeps a map back to the original characters.

Ads dodge keyword review by writing terms in full width (ＮＯ．１), in traditional
characters (最佳療效), with circled digits (第①) or with separators between characters
(最 佳, 最·佳, 最\u200b佳, 最💯佳). Matching runs on the normalised text; every normalised
character remembers the index of the original character it came from, so a hit is reported
on the exact span a reviewer sees.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import opencc

# Characters inserted between the characters of a term to break keyword matching. Sentence
# punctuation (，。！？；：) is kept so that matches never run across sentences.
SEPARATORS = frozenset(" \t\r\n\u3000·・•∙⋅*＊_~～-—–^`'\"|/\\+=#@&<>()[]{}「」『』【】〈〉《》“”‘’…")
# A dot separates letters (N.O.1) but belongs inside numbers (98.5%).
DOT = "."


@dataclass(frozen=True)
class Normalized:
    """Normalised text and, for each of its characters, the index in the original."""

    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalised span ``[start, end)`` to a span of the original text."""
        if end <= start:
            return (self.origin[start], self.origin[start]) if start < len(self.origin) else (0, 0)
        return self.origin[start], self.origin[end - 1] + 1


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
    """Fold one original character to zero or more normalised characters."""
    if char in SEPARATORS:
        return ""
    category = unicodedata.category(char)
    if category in ("Cf", "Mn", "Me", "So", "Sk", "Cc", "Co", "Cs"):
        # zero-width joiners, variation selectors, emoji and other symbols used as padding
        return ""
    if category == "No":
        value = unicodedata.digit(char, None)
        if value is not None:
            return str(value)
    folded = unicodedata.normalize("NFKC", char).lower()
    t2s = traditional_to_simplified()
    return "".join(t2s.get(c, c) for c in folded if c not in SEPARATORS)


def normalize(text: str) -> Normalized:
    """Normalise ``text`` for matching and keep the origin of every character."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        if folded == DOT:
            before = text[index - 1] if index else ""
            after = text[index + 1] if index + 1 < len(text) else ""
            if not (before.isdigit() and after.isdigit()):
                continue
        for piece in folded:
            out.append(piece)
            origin.append(index)
    return Normalized("".join(out), tuple(origin))


def normalize_pattern(pattern: str) -> str:
    """Normalise a rule's literal exactly as the text it is matched against."""
    return normalize(pattern).text
