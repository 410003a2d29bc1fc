"""Item pipelines, wired in ``crawlers/settings.py``: clean → dedupe → evidence → export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from admon.jsonl import write_record
from crawlers import evidence
from crawlers.clean import clean_text, is_empty


class CleanPipeline:
    """Normalise whitespace and boilerplate; drop items with no ad text left."""

    def process_item(self, item: Any, spider: Any = None) -> Any:
        adapter = ItemAdapter(item)
        adapter["text"] = clean_text(adapter.get("text"))
        if adapter.get("title"):
            adapter["title"] = clean_text(adapter["title"])
        if is_empty(adapter["text"]):
            raise DropItem(f"no ad text at {adapter.get('url')}")
        return item


class DedupePipeline:
    """Drop an item already exported in this crawl (the same ad at the same place)."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def process_item(self, item: Any, spider: Any = None) -> Any:
        item_id = ItemAdapter(item)["id"]
        if item_id in self.seen:
            raise DropItem(f"duplicate item {item_id}")
        self.seen.add(item_id)
        return item


class OutDirMixin:
    out_dir: Path

    @classmethod
    def from_crawler(cls, crawler: Any) -> Any:
        pipeline = cls()
        pipeline.out_dir = Path(crawler.settings.get("ADMON_OUT_DIR", "crawl"))
        return pipeline


class EvidencePipeline(OutDirMixin):
    """Store the raw body as fetched under ``OUT/evidence`` and record its path and hash."""

    def process_item(self, item: Any, spider: Any = None) -> Any:
        adapter = ItemAdapter(item)
        body = adapter.get("body")
        if body:
            path, digest = evidence.store(body, self.out_dir)
            adapter["evidence"] = {**(adapter.get("evidence") or {}), "html": path, "sha256": digest}
            adapter["body"] = None
        return item


class JsonLinesPipeline(OutDirMixin):
    """Append each item to ``OUT/items.jsonl`` (the runner truncates it once per crawl)."""

    def open_spider(self, spider: Any = None) -> None:
        self.handle = open(self.out_dir / "items.jsonl", "a", encoding="utf-8")

    def close_spider(self, spider: Any = None) -> None:
        self.handle.close()

    def process_item(self, item: Any, spider: Any = None) -> Any:
        record = item.to_record() if hasattr(item, "to_record") else ItemAdapter(item).asdict()
        write_record(self.handle, record)
        self.handle.flush()
        return item
