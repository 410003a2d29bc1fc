"""The item every collector yields: one ad sighting, a line of ``items.jsonl`` (design §4)."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from admon.settings import TIMEZONE


def item_id(source: str, url: str | None, text: str) -> str:
    """sha1 of source + url + text: the same ad at the same place is the same item."""
    return hashlib.sha1(f"{source}\n{url or ''}\n{text}".encode()).hexdigest()


def now_iso() -> str:
    return datetime.now(TIMEZONE).isoformat(timespec="seconds")


@dataclass
class AdItem:
    source_kind: str
    source: str
    text: str
    url: str | None = None
    landing_url: str | None = None
    fetched_at: str = field(default_factory=now_iso)
    title: str | None = None
    advertiser: str | None = None
    platform: str | None = None
    merchant: str | None = None
    price: str | None = None
    district: str | None = None
    labelled_as_ad: bool | None = None
    advertorial: bool = False
    evidence: dict[str, Any] = field(default_factory=lambda: {"html": None, "sha256": None, "screenshot": None})
    id: str = ""
    # Raw response body for the evidence pipeline; never written to items.jsonl.
    body: bytes | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.id:
            self.id = item_id(self.source, self.url, self.text)

    def to_record(self) -> dict[str, Any]:
        record = asdict(self)
        record.pop("body")
        return {"id": record.pop("id"), **record}
