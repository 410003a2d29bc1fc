"""Importers for media we do not crawl: outdoor inspection records and broadcast transcripts.

They yield the same items as the spiders. A bad row is counted and reported with its line
number; the rest of the file is imported.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from admon.jsonl import BadLine, read_records
from admon.settings import TIMEZONE
from crawlers.items import AdItem
from crawlers.ocr import read_text
from crawlers.targets import Target

OUTDOOR_COLUMNS = ("spot_id", "address", "district", "photo_path", "inspected_at", "text")
BROADCAST_FIELDS = ("channel", "start", "transcript")


@dataclass
class ImportReport:
    rows: int = 0
    items: int = 0
    ocr: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    bad_lines: list[str] = field(default_factory=list)

    def error(self, kind: str, where: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1
        self.bad_lines.append(where)


def import_outdoor(
    target: Target, report: ImportReport, *, ocr: Callable[[Path], str] | None = read_text
) -> Iterator[AdItem]:
    """Outdoor inspection CSV → items; a photo without transcribed text is read by ``ocr``."""
    path = target.path("path")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in OUTDOOR_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            report.error("bad_header", f"{path}:1: missing column(s) {', '.join(missing)}")
            return
        for row in reader:
            report.rows += 1
            line = reader.line_num
            text = (row.get("text") or "").strip()
            photo = (row.get("photo_path") or "").strip()
            photo_path = (path.parent / photo) if photo else None
            if not text and photo_path and ocr is not None and photo_path.exists():
                text = ocr(photo_path).strip()
                report.ocr += 1
            if not text:
                if not photo:
                    reason = "no text and no photo"
                elif not photo_path.exists():
                    reason = f"no text and photo {photo} not found"
                else:
                    reason = "no text and OCR found none on the photo"
                report.error("no_text", f"{path}:{line}: spot {row.get('spot_id')}: {reason}")
                continue
            fetched_at = _iso(row.get("inspected_at"))
            if fetched_at is None:
                report.error("bad_time", f"{path}:{line}: inspected_at {row.get('inspected_at')!r} is not ISO-8601")
                continue
            body = json.dumps(row, ensure_ascii=False, sort_keys=True).encode()
            report.items += 1
            yield AdItem(
                source_kind="outdoor", source=target.name, text=text,
                url=f"outdoor://{row['spot_id']}", fetched_at=fetched_at, title=row.get("address") or None,
                district=row.get("district") or target.get("district"), labelled_as_ad=None, body=body,
                evidence={"html": None, "sha256": None, "screenshot": photo or None},
            )


def import_broadcast(target: Target, report: ImportReport) -> Iterator[AdItem]:
    """Broadcast monitoring transcripts (JSONL: channel, start, end, transcript) → items."""
    path = target.path("path")
    for entry in read_records(path, required=BROADCAST_FIELDS):
        if isinstance(entry, BadLine):
            report.rows += 1
            report.error("bad_line", str(entry))
            continue
        number, record = entry
        report.rows += 1
        fetched_at = _iso(record.get("start"))
        if fetched_at is None:
            report.error("bad_time", f"{path}:{number}: start {record.get('start')!r} is not ISO-8601")
            continue
        body = json.dumps(record, ensure_ascii=False, sort_keys=True).encode()
        report.items += 1
        yield AdItem(
            source_kind="broadcast", source=target.name, text=str(record["transcript"]),
            url=f"broadcast://{record['channel']}/{record['start']}", fetched_at=fetched_at,
            platform=str(record["channel"]), district=target.get("district"), labelled_as_ad=None, body=body,
        )


def _iso(value: str | None) -> str | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=TIMEZONE)
    return moment.isoformat(timespec="seconds")
