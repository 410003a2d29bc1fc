"""JSON Lines in and out, with bad lines reported by number instead of stopping the run."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO


@dataclass(frozen=True)
class BadLine:
    """A line that could not be used, and why."""

    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


def read_records(
    path: Path | str, *, required: tuple[str, ...] = ()
) -> Iterator[tuple[int, dict[str, Any]] | BadLine]:
    """Yield ``(line number, record)`` for each good line and a :class:`BadLine` for each bad one.

    A record is bad if it is not a JSON object or lacks one of ``required`` (a required string
    field must be non-empty). Blank lines are skipped silently.
    """
    with open(path, encoding="utf-8", errors="replace") as handle:
        yield from parse_lines(handle, name=str(path), required=required)


def parse_lines(
    lines: Iterable[str], *, name: str, required: tuple[str, ...] = ()
) -> Iterator[tuple[int, dict[str, Any]] | BadLine]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield BadLine(name, number, f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(record, dict):
            yield BadLine(name, number, "expected a JSON object")
            continue
        missing = [f for f in required if record.get(f) in (None, "")]
        if missing:
            yield BadLine(name, number, f"missing required field {', '.join(repr(m) for m in missing)}")
            continue
        wrong = [f for f in required if not isinstance(record[f], str | int)]
        if wrong:
            yield BadLine(name, number, f"field {wrong[0]!r} must be a string")
            continue
        yield number, record


def write_record(handle: TextIO, record: dict[str, Any]) -> None:
    handle.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
