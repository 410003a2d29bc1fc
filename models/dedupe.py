"""Grouping sightings into canonical ads: exact (normalised text) and near-duplicate keys."""

from __future__ import annotations

import hashlib
import re

from rules.normalize import normalize

# Phone numbers, prices and dates vary between copies of the same ad.
VOLATILE = re.compile(r"[0-9a-z]+")


def content_hash(text: str) -> str:
    """Identity of an ad's copy: sha1 of its normalised text (so 最 佳 and 最佳 are one ad)."""
    return hashlib.sha1(normalize(text).text.encode()).hexdigest()


def cluster_key(text: str) -> str:
    """A coarse key shared by copies that differ only in digits and Latin letters."""
    return hashlib.sha1(VOLATILE.sub("", normalize(text).text).encode()).hexdigest()


def group_items(items: list[dict]) -> tuple[list[dict], dict[str, dict]]:
    """Tag items with their content hash and cluster key; return them and one representative per ad.

    Duplicate item ids (the same ad at the same place twice in one crawl) are dropped.
    """
    seen_ids: set[str] = set()
    tagged: list[dict] = []
    representatives: dict[str, dict] = {}
    for item in items:
        if item["id"] in seen_ids:
            continue
        seen_ids.add(item["id"])
        digest = content_hash(item["text"])
        tagged.append({**item, "content_hash": digest, "cluster_key": cluster_key(item["text"])})
        representatives.setdefault(digest, {**item, "id": digest})
    return tagged, representatives
