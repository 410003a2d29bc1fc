"""Grouping sightings into canonical ads and near-duplicate clusters.

Exact: the same normalised copy is one ad (``content_hash``). Near: copies that differ in a
phone number, a price or a few words share a cluster, found by 64-bit SimHash over
character 3-grams — reviewed once, with every copy and sighting kept.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

import numpy as np

from rules.normalize import normalize

# Phone numbers, prices and dates differ between copies of one ad: they shingle as "#".
VOLATILE = re.compile(r"[0-9]+")
SHINGLE = 3
MAX_DISTANCE = 6  # bits; unrelated corpus ads differ by 12 or more, copies with new numbers by 0
BANDS = MAX_DISTANCE + 1  # pigeonhole: within the distance, at least one band is equal
BAND_BITS = 64 // BANDS


def content_hash(text: str) -> str:
    """Identity of an ad's copy: sha1 of its normalised text (so 最 佳 and 最佳 are one ad)."""
    return hashlib.sha1(normalize(text).text.encode()).hexdigest()


def simhash(text: str) -> int:
    """64-bit SimHash of the normalised text's character 3-grams, as a signed integer (fits BIGINT)."""
    norm = VOLATILE.sub("#", normalize(text).text)
    grams = [norm[i : i + SHINGLE] for i in range(max(1, len(norm) - SHINGLE + 1))]
    digests = np.frombuffer(b"".join(hashlib.blake2b(g.encode(), digest_size=8).digest() for g in grams),
                            dtype=np.uint8).reshape(len(grams), 8)
    votes = np.unpackbits(digests, axis=1).astype(np.int32).sum(axis=0) * 2 - len(grams)
    value = int.from_bytes(np.packbits(votes > 0).tobytes(), "big")
    return value - (1 << 64) if value >= 1 << 63 else value


def distance(a: int, b: int) -> int:
    return ((a ^ b) & 0xFFFFFFFFFFFFFFFF).bit_count()


class NearDuplicateIndex:
    """SimHashes by band, to find a known cluster within ``MAX_DISTANCE`` bits."""

    def __init__(self, known: Iterable[tuple[int, str]] = ()) -> None:
        self._bands: list[dict[int, list[tuple[int, str]]]] = [{} for _ in range(BANDS)]
        for value, key in known:
            self.add(value, key)

    def add(self, value: int, key: str) -> None:
        for band, table in enumerate(self._bands):
            table.setdefault(_band(value, band), []).append((value, key))

    def find(self, value: int) -> str | None:
        """The cluster key of the nearest known SimHash within the distance, if any."""
        best: tuple[int, str] | None = None
        for band, table in enumerate(self._bands):
            for other, key in table.get(_band(value, band), ()):
                gap = distance(value, other)
                if gap <= MAX_DISTANCE and (best is None or gap < best[0]):
                    best = (gap, key)
        return best[1] if best else None


def group_items(
    items: list[dict], *, known: Iterable[tuple[int, str]] = ()
) -> tuple[list[dict], dict[str, dict]]:
    """Tag items with content hash, SimHash and cluster key; return them and one representative per ad.

    ``known`` are (simhash, cluster key) pairs of ads already in the warehouse, so that a copy
    seen tonight joins last week's cluster. Duplicate item ids are dropped.
    """
    index = NearDuplicateIndex(known)
    seen_ids: set[str] = set()
    ads: dict[str, tuple[int, str]] = {}  # content hash → (simhash, cluster key)
    tagged: list[dict] = []
    representatives: dict[str, dict] = {}
    for item in items:
        if item["id"] in seen_ids:
            continue
        seen_ids.add(item["id"])
        digest = content_hash(item["text"])
        if digest not in ads:
            value = simhash(item["text"])
            key = index.find(value) or digest
            index.add(value, key)
            ads[digest] = (value, key)
            representatives[digest] = {**item, "id": digest}
        value, key = ads[digest]
        tagged.append({**item, "content_hash": digest, "simhash": value, "cluster_key": key})
    return tagged, representatives


def _band(value: int, band: int) -> int:
    return (value >> (band * BAND_BITS)) & ((1 << BAND_BITS) - 1)
