"""Load one night into the warehouse with bulk upserts, so re-running a night changes nothing.

Input is what the flow produced: the cleaned items (one per sighting), the verdict for each
canonical ad (keyed by content hash) and the per-target crawl reports.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from admon.settings import TIMEZONE
from warehouse.schema import Ad, Advertiser, Capture, CrawlRun, Score, Sighting, Target
from warehouse.upsert import lookup_ids, upsert


@dataclass(frozen=True)
class LoadCounts:
    targets: int
    sightings: int
    ads: int
    scores: int
    captures: int
    advertisers: int


def load_night(
    session: Session,
    *,
    run_date: date,
    items: list[dict[str, Any]],
    verdicts: dict[str, dict[str, Any]],
    crawl_reports: list[dict[str, Any]],
    targets: list[dict[str, Any]],
) -> LoadCounts:
    """Upsert targets, crawl runs, captures, advertisers, ads, sightings and scores for a night.

    Each item carries ``content_hash`` and ``cluster_key`` (set by the flow's dedupe step);
    ``verdicts`` maps a content hash to its §5 verdict.
    """
    now = datetime.now(TIMEZONE)
    upsert(session, Target, [{"name": t["name"], "kind": t["kind"], "config": t.get("config", {})} for t in targets],
           keys=["name"], update=["kind", "config"])
    target_ids = lookup_ids(session, Target, "name", [t["name"] for t in targets])

    upsert(session, CrawlRun, [
        {"run_date": run_date, "target_id": target_ids[r["name"]], "status": r["status"], "pages": r["pages"],
         "items": r["items"], "errors": {"counts": r.get("errors", {}), "details": r.get("details", [])[:50]},
         "finished_at": now}
        for r in crawl_reports if r["name"] in target_ids
    ], keys=["run_date", "target_id"], update=["status", "pages", "items", "errors", "finished_at"])

    captures = {}
    for item in items:
        evidence = item.get("evidence") or {}
        if evidence.get("sha256") and evidence.get("html"):
            captures[evidence["sha256"]] = {"sha256": evidence["sha256"], "path": evidence["html"],
                                            "url": item.get("url"), "status": 200,
                                            "fetched_at": _moment(item.get("fetched_at"))}
    upsert(session, Capture, list(captures.values()), keys=["sha256"])
    capture_ids = lookup_ids(session, Capture, "sha256", list(captures))

    advertiser_names = sorted({name for item in items if (name := _advertiser(item))})
    upsert(session, Advertiser, [{"name": n, "first_seen": run_date} for n in advertiser_names],
           keys=["name"], keep_min=["first_seen"])
    advertiser_ids = lookup_ids(session, Advertiser, "name", advertiser_names)

    ads: dict[str, dict[str, Any]] = {}
    for item in items:
        verdict = verdicts[item["content_hash"]]
        if item["content_hash"] in ads:
            continue
        ads[item["content_hash"]] = {
            "content_hash": item["content_hash"], "cluster_key": item.get("cluster_key"),
            "simhash": item.get("simhash"),
            "title": item.get("title"), "text": item["text"],
            "advertiser_id": advertiser_ids.get(_advertiser(item)),
            "category": verdict["category"], "public_service": verdict["public_service"],
            "violation": verdict["violation"], "risk": verdict["risk"], "articles": verdict["articles"],
            "first_seen": run_date, "last_seen": run_date,
        }
    upsert(session, Ad, list(ads.values()), keys=["content_hash"],
           update=["cluster_key", "simhash", "title", "advertiser_id", "category", "public_service", "violation",
                   "risk", "articles"],
           keep_min=["first_seen"], keep_max=["last_seen"])
    ad_ids = lookup_ids(session, Ad, "content_hash", list(ads))

    upsert(session, Sighting, [
        {"item_id": item["id"], "seen_on": run_date, "ad_id": ad_ids[item["content_hash"]],
         "target_id": target_ids.get(item.get("source")),
         "capture_id": capture_ids.get((item.get("evidence") or {}).get("sha256")),
         "source_kind": item["source_kind"], "source": item.get("source"), "url": item.get("url"),
         "landing_url": item.get("landing_url"), "platform": item.get("platform"),
         "merchant": item.get("merchant"), "district": item.get("district"), "price": item.get("price"),
         "labelled_as_ad": item.get("labelled_as_ad"), "fetched_at": _moment(item.get("fetched_at"))}
        for item in items
    ], keys=["item_id", "seen_on"],
        update=["ad_id", "target_id", "capture_id", "source", "url", "landing_url", "platform", "merchant",
                "district", "price", "labelled_as_ad", "fetched_at"])

    score_rows = [
        {"ad_id": ad_ids[content_hash], "ruleset": v["ruleset"], "model_version": v["model"]["version"],
         "violation": v["violation"], "risk": v["risk"], "articles": v["articles"], "category": v["category"],
         "public_service": v["public_service"], "p_violation": v["model"].get("p_violation"),
         "hits": v["hits"], "scored_at": now}
        for content_hash, v in verdicts.items() if content_hash in ad_ids
    ]
    upsert(session, Score, score_rows, keys=["ad_id", "ruleset", "model_version"],
           update=["violation", "risk", "articles", "category", "public_service", "p_violation", "hits"])
    return LoadCounts(len(targets), len(items), len(ads), len(score_rows), len(captures), len(advertiser_names))


def known_clusters(session: Session, since: date) -> list[tuple[int, str]]:
    """(SimHash, cluster key) of ads seen since ``since``: tonight's copies join their clusters."""
    stmt = select(Ad.simhash, Ad.cluster_key).where(Ad.last_seen >= since, Ad.simhash.is_not(None),
                                                   Ad.cluster_key.is_not(None))
    return [(value, key) for value, key in session.execute(stmt)]


def archive_evidence(crawl_dir: Path, data_dir: Path) -> int:
    """Copy a crawl's content-addressed evidence into the data folder's archive; return files added."""
    source = crawl_dir / "evidence"
    added = 0
    if not source.exists() or source.resolve() == (data_dir / "evidence").resolve():
        return 0
    for path in source.rglob("*"):
        if path.is_file():
            target = data_dir / "evidence" / path.relative_to(source)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
                added += 1
    return added


def _advertiser(item: dict[str, Any]) -> str | None:
    name = item.get("advertiser") or item.get("merchant")
    return name.strip()[:200] if isinstance(name, str) and name.strip() else None


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
