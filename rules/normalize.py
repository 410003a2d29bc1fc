"""Text normalisation that keeps a map back to the original characters.

Ads dodge keyword review by writing terms in full width (ＮＯ．１), in traditional
characters (最佳療效), with circled digits (第①) or with separators between characters
(最 佳, 最·佳, 最\u200b佳, 最💯佳). Matching runs on the normalised text; every normalised
character can be traced to the original character it came from, so a hit is reported on the
exact span a reviewer sees.

A whole batch of ads is normalised at once, as arrays: the joined text becomes an array of
code points, one table lookup folds or deletes every character, and the map back to the
original falls out of the same pass (the indexes of the kept characters). A Python loop
runs only over the rare characters that fold to several (Ⅻ → xii).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import opencc

# Characters inserted between the characters of a term to break keyword matching. Sentence
# punctuation (，。！？；：) is kept so that matches never run across sentences.
SEPARATORS = frozenset(" \t\r\n\u3000·・•∙⋅*＊_~～-—–^`'\"|/\\+=#@&<>()[]{}「」『』【】〈〉《》“”‘’…")
# Invisible or decorative characters: zero-width joiners, variation selectors, emoji, symbols.
PADDING_CATEGORIES = frozenset({"Cf", "Mn", "Me", "So", "Sk", "Cc", "Co"})
# Joins a batch of ads into one string; kept by normalisation, never part of a pattern.
BATCH_SEPARATOR = "\x00"
UNICODE_SIZE = 0x110000
DELETED = np.uint32(0xFFFFFFFF)  # not a code point
DOT, FULLWIDTH_DOT = ord("."), ord("．")
ZERO, NINE, SPACE = ord("0"), ord("9"), ord(" ")
# Format characters (zero-width space and joiners, soft hyphen, BOM): deleted, and unseen.
INVISIBLE_CATEGORY = "Cf"


@dataclass(frozen=True)
class Folding:
    """How every code point normalises, as lookup tables indexed by code point."""

    codes: np.ndarray  # uint32: the folded character, DELETED, or the character itself if it expands
    expansions: dict[int, str]  # characters whose folding is longer than one character
    expands: np.ndarray  # bool: the character is in ``expansions``
    decimal: np.ndarray  # bool: str.isdecimal (a dot between two of them is a decimal point)
    invisible: np.ndarray  # bool: a format character (deleting it leaves no visible break)


class Normalized:
    """Normalised text, traceable to the original."""

    __slots__ = ("text", "original", "_origin", "_first", "_offset")

    def __init__(self, text: str, original: str, origin: np.ndarray, first: int = 0, offset: int = 0) -> None:
        self.text, self.original = text, original
        # Shared with the batch: origin[first + k] - offset is the original index of character k.
        self._origin, self._first, self._offset = origin, first, offset

    def __repr__(self) -> str:
        return f"Normalized(text={self.text!r}, original={self.original!r})"

    @property
    def origin(self) -> tuple[int, ...]:
        """For each normalised character, the index of the original character it came from."""
        window = self._origin[self._first : self._first + len(self.text)] - self._offset
        return tuple(window.tolist())

    def index(self, k: int) -> int:
        """The original index of normalised character ``k``."""
        return int(self._origin[self._first + k]) - self._offset

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalised span ``[start, end)`` to a span of the original text."""
        if end <= start:
            if start < len(self.text):
                at = self.index(start)
                return at, at
            return 0, 0
        return self.index(start), self.index(end - 1) + 1


@dataclass(frozen=True)
class Batch:
    """A batch of texts normalised together: one joined string and one origin array."""

    text: str  # the normalised texts joined by BATCH_SEPARATOR
    originals: list[str]
    starts: list[int]  # where each normalised text starts in ``text``
    offsets: list[int]  # where each original text starts in the joined originals
    origin: np.ndarray  # for each character of ``text``, its index in the joined originals

    def __len__(self) -> int:
        return len(self.originals)

    def end(self, ad: int) -> int:
        """Where text ``ad`` ends in ``text`` (exclusive)."""
        return self.starts[ad + 1] - 1 if ad + 1 < len(self.starts) else len(self.text)

    def item(self, ad: int) -> Normalized:
        start = self.starts[ad]
        return Normalized(self.text[start : self.end(ad)], self.originals[ad], self.origin, start, self.offsets[ad])


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
    return "".join(_strip_accent(t2s.get(c, c)) for c in folded if c not in SEPARATORS)


def _strip_accent(char: str) -> str:
    """A Latin letter without its accent: pinyin with tone marks (bǎo běn) reads as bao ben."""
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    return base if base and base.isascii() and char.isalpha() else char


def _is_padding(char: str) -> bool:
    return char in SEPARATORS or unicodedata.category(char) in PADDING_CATEGORIES


@lru_cache(maxsize=1)
def folding() -> Folding:
    """Build the lookup tables once for every code point."""
    codes = np.arange(UNICODE_SIZE, dtype=np.uint32)
    expands = np.zeros(UNICODE_SIZE, dtype=bool)
    decimal = np.zeros(UNICODE_SIZE, dtype=bool)
    invisible = np.zeros(UNICODE_SIZE, dtype=bool)
    expansions: dict[int, str] = {}
    for point in _code_points():
        char = chr(point)
        decimal[point] = char.isdecimal()
        invisible[point] = unicodedata.category(char) == INVISIBLE_CATEGORY
        folded = "" if _is_padding(char) else _fold_char(char)
        if not folded:
            codes[point] = DELETED
        elif len(folded) == 1:
            codes[point] = ord(folded)
        else:
            expansions[point] = folded
            expands[point] = True
    # A dot separates letters (N.O.1) but is a decimal point between digits (98.5%): dots
    # are kept by the table and decided by their neighbours.
    codes[FULLWIDTH_DOT] = DOT
    # Lone surrogates (broken UTF-16 from a bad page) are not text: nothing can match them.
    codes[0xD800:0xE000] = DELETED
    codes.setflags(write=False)
    return Folding(codes, expansions, expands, decimal, invisible)


def _code_points() -> list[int]:
    """Every character that normalisation can change: the BMP, emoji and symbol planes, tag
    characters, CJK compatibility ideographs, and traditional characters outside the BMP."""
    planes = [*range(1, 0xD800), *range(0xE000, 0x10000), *range(0x1D400, 0x1D800), *range(0x1F000, 0x1FC00),
              *range(0x2F800, 0x2FA20), *range(0xE0000, 0xE0080)]
    extra = {ord(c) for c in traditional_to_simplified() if ord(c) > 0xFFFF}
    return sorted(set(planes) | extra)


def normalize_batch(texts: list[str]) -> Batch:
    """Normalise a batch of texts in a few array passes over their joined code points."""
    rules = folding()
    originals = [t.replace(BATCH_SEPARATOR, " ") if BATCH_SEPARATOR in t else t for t in texts]
    joined = BATCH_SEPARATOR.join(originals)
    points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    codes = rules.codes[points]
    keep = codes != DELETED
    dots = np.flatnonzero((points == DOT) | (points == FULLWIDTH_DOT))
    if len(dots):
        before = rules.decimal[points[np.maximum(dots - 1, 0)]] & (dots > 0)
        after = rules.decimal[points[np.minimum(dots + 1, len(points) - 1)]] & (dots + 1 < len(points))
        keep[dots[~(before & after)]] = False
    kept = _digit_boundaries(codes, keep, rules.invisible[points])
    expanding = np.flatnonzero(rules.expands[points])
    if len(expanding):
        text, origin = _with_expansions(codes, kept, expanding, rules.expansions)
    else:
        text, origin = codes[kept].tobytes().decode("utf-32-le", "surrogatepass"), kept
    starts, offsets, position, offset = [], [], 0, 0
    for original, normalised in zip(originals, text.split(BATCH_SEPARATOR), strict=True):
        starts.append(position)
        offsets.append(offset)
        position += len(normalised) + 1
        offset += len(original) + 1
    return Batch(text, originals, starts, offsets, origin)


def _digit_boundaries(codes: np.ndarray, keep: np.ndarray, invisible: np.ndarray) -> np.ndarray:
    """Kept positions, with a space where visible separators between two digits were deleted.

    Separators are deleted so that 最 佳 matches 最佳, but digits must not run together:
    第①｜48课时 is 第1 48, not 第148, and NO.1｜93% is no1 93%. The space keeps the first
    deleted separator's position, so spans still map back to the original text. Invisible
    characters join (1\u200b00% is still 100%: nobody reading the ad sees a break)."""
    kept = np.flatnonzero(keep)
    if len(kept) < 2:
        return kept
    gaps = np.flatnonzero(np.diff(kept) > 1)
    if not len(gaps):
        return kept
    left, right = codes[kept[gaps]], codes[kept[gaps + 1]]
    digits = gaps[(left >= ZERO) & (left <= NINE) & (right >= ZERO) & (right <= NINE)]
    boundaries = kept[digits] + 1
    boundaries = boundaries[~invisible[boundaries]]
    if not len(boundaries):
        return kept
    codes[boundaries] = SPACE
    keep[boundaries] = True
    return np.flatnonzero(keep)


def _with_expansions(codes: np.ndarray, kept: np.ndarray, expanding: np.ndarray,
                     expansions: dict[int, str]) -> tuple[str, np.ndarray]:
    """The normalised text and origin when some characters fold to several (Ⅻ → xii)."""
    pieces: list[str] = []
    origins: list[np.ndarray] = []
    previous = 0
    for position in expanding.tolist():
        cut = int(np.searchsorted(kept, position))
        run = kept[previous:cut]
        pieces.append(codes[run].tobytes().decode("utf-32-le", "surrogatepass"))
        origins.append(run)
        folded = expansions[int(codes[position])]
        pieces.append(folded)
        origins.append(np.full(len(folded), position, dtype=kept.dtype))
        previous = cut + 1
    run = kept[previous:]
    pieces.append(codes[run].tobytes().decode("utf-32-le", "surrogatepass"))
    origins.append(run)
    return "".join(pieces), np.concatenate(origins)


def normalize_many(texts: list[str]) -> list[Normalized]:
    """Normalise a batch; each result shares the batch's origin array."""
    batch = normalize_batch(texts)
    return [batch.item(ad) for ad in range(len(batch))]


def normalize(text: str) -> Normalized:
    """Normalise ``text`` for matching."""
    return normalize_many([text])[0]


def normalize_pattern(pattern: str) -> str:
    """Normalise a rule's literal exactly as the text it is matched against."""
    return normalize(pattern).text
