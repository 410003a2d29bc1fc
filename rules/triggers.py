"""Trigger literals of a regex: strings of which every match must contain at least one.

The automaton pass finds them along with the rules' literals, and a regex then runs only on
the ads where one of its triggers occurs — most regexes never run on most ads. The analysis
reads the parsed regex (``re._parser``, CPython's own parser): a literal run of a concatenation
is required, so is anything a group or a repeat of at least one requires, and a branch
requires the union of what each alternative requires. Lookarounds require nothing.
"""

from __future__ import annotations

import math
import re
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]

Triggers = frozenset[str]
# Cap on the strings a multiplied-out trigger set may hold (each is an automaton key).
MAX_PRODUCT = 256


def trigger_literals(pattern: re.Pattern[str]) -> Triggers | None:
    """The most selective set of literals one of which occurs in every match, or None."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        parsed = _parser.parse(pattern.pattern, pattern.flags)
    except (re.error, RecursionError):  # pragma: no cover - compiled patterns parse
        return None
    return _best(_sequence(list(parsed)))


def _selectivity(option: Triggers) -> float:
    """How rarely an option's literals occur, roughly: each character makes a string ~50×
    rarer, an ASCII character (digits, %, :) ~5×; the option occurs as often as its strings
    together. Higher is more selective."""
    return -sum(1 / _rarity(literal) for literal in option)


def _rarity(literal: str) -> float:
    return float(math.prod(50 if ord(c) > 0x7F else 5 for c in literal))


def _best(options: list[Triggers]) -> Triggers | None:
    usable = [o for o in options if o and all(o)]  # an option holding "" can match nothing
    return max(usable, key=_selectivity) if usable else None


def _sequence(items: list[tuple[object, object]]) -> list[Triggers]:
    """Every trigger set found in a concatenation (each alone is sound).

    Adjacent items that match a small finite set of strings are multiplied out: in
    ``[0-9]+(天|周)(瘦|减)`` the trigger is {天瘦, 天减, 周瘦, 周减}, not a lone 天 that half the
    ads contain.
    """
    options: list[Triggers] = []
    run: set[str] | None = None
    for op, av in items:
        exact = _exact(op, av)
        if exact is not None:
            product = {a + b for a in run for b in exact} if run is not None else set(exact)
            if len(product) <= MAX_PRODUCT:
                run = product
                continue
            if run is not None:
                options.append(frozenset(run))
            run = set(exact)
            continue
        if run is not None:
            options.append(frozenset(run))
            run = None
        found = _item(op, av)
        if found:
            options.append(found)
    if run is not None:
        options.append(frozenset(run))
    return options


def _exact(op: object, av: object) -> set[str] | None:
    """The strings an item matches, if they are few and known; else None."""
    if op is sre.LITERAL:
        return {chr(av)}  # type: ignore[arg-type]
    if op is sre.IN:
        chars = {chr(value) for kind, value in av if kind is sre.LITERAL}  # type: ignore[union-attr]
        return chars if len(chars) == len(av) else None  # type: ignore[arg-type]
    if op is sre.SUBPATTERN:
        return _exact_sequence(list(av[-1]))  # type: ignore[index]
    if op is sre.BRANCH:
        union: set[str] = set()
        for branch in av[1]:  # type: ignore[index]
            exact = _exact_sequence(list(branch))
            if exact is None:
                return None
            union |= exact
        return union if len(union) <= MAX_PRODUCT else None
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        low, high, body = av  # type: ignore[misc]
        if high > 1:
            return None
        exact = _exact_sequence(list(body))
        if exact is None:
            return None
        return exact | {""} if low == 0 else exact
    return None


def _exact_sequence(items: list[tuple[object, object]]) -> set[str] | None:
    strings = {""}
    for op, av in items:
        exact = _exact(op, av)
        if exact is None:
            return None
        strings = {a + b for a in strings for b in exact}
        if len(strings) > MAX_PRODUCT:
            return None
    return strings


def _item(op: object, av: object) -> Triggers | None:
    """The trigger set of an item that is not a small finite set of strings."""
    if op is sre.SUBPATTERN:
        return _best(_sequence(list(av[-1])))  # type: ignore[index]
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
        low, _high, body = av  # type: ignore[misc]
        return _best(_sequence(list(body))) if low >= 1 else None
    if op is sre.BRANCH:
        union: set[str] = set()
        for branch in av[1]:  # type: ignore[index]
            best = _best(_sequence(list(branch)))
            if best is None:
                return None
            union |= best
        return frozenset(union)
    return None
