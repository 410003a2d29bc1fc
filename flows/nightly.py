"""The nightly flow: crawl → clean → dedupe → score → load → indicators → alerts.

Every task is one call into a plain function (crawlers, models, rules, warehouse) that tests
call directly. Re-running a date is idempotent: loads are upserts keyed by item and date,
indicators replace their period's rows and alerts update their open twin.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from sqlalchemy import select

from admon import settings
from admon.jsonl import BadLine, read_records
from crawlers.clean import clean_items
from crawlers.targets import load_targets
from flows.scoring import load_scorer
from models.dedupe import group_items
from warehouse import alerts as alert_rules
from warehouse import indicators
from warehouse.db import connect, session_maker
from warehouse.load import archive_evidence, known_clusters, load_night
from warehouse.review import draw_sample
from warehouse.schema import User

DEMO_TARGETS = settings.PACKAGE_ROOT / "demo" / "targets.yaml"
# Copies seen within this many days join an existing near-duplicate cluster.
CLUSTER_WINDOW_DAYS = 90
# Ads per scoring task: big enough to amortise the model call, small enough to spread over workers.
SCORE_BATCH = 2_000
# Share of each night's unflagged ads sampled for human review (双随机), to measure misses.
SAMPLE_SHARE = 0.05


def default_targets() -> Path:
    return Path(os.environ.get("ADMON_TARGETS", DEMO_TARGETS))


@task(retries=1, retry_delay_seconds=5, cache_policy=NO_CACHE)
def crawl_targets(targets: str, out_dir: str) -> list[dict[str, Any]]:
    """Run ``admon crawl`` in a subprocess (Scrapy's reactor starts once per process)."""
    command = [sys.executable, "-m", "admon.cli", "crawl", "--targets", targets, "--out", out_dir]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    sys.stderr.write(result.stderr)
    if result.returncode != 0:
        raise RuntimeError(f"crawl failed with exit code {result.returncode}: {result.stderr[-2000:]}")
    return json.loads((Path(out_dir) / "report.json").read_text(encoding="utf-8"))


@task(cache_policy=NO_CACHE)
def read_items(path: str) -> tuple[list[dict[str, Any]], list[str]]:
    items, bad = [], []
    for entry in read_records(path, required=("id", "text", "source_kind")):
        if isinstance(entry, BadLine):
            bad.append(str(entry))
        else:
            items.append(entry[1])
    return items, bad


@task(cache_policy=NO_CACHE)
def clean(items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    return clean_items(items)


@task(cache_policy=NO_CACHE)
def dedupe(run_date: str, items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    since = date.fromisoformat(run_date) - timedelta(days=CLUSTER_WINDOW_DAYS)
    with session_maker(connect())() as session:
        known = known_clusters(session, since)
    return group_items(items, known=known)


@task(cache_policy=NO_CACHE)
def score_batch(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One batch of verdicts; on a Dask runner batches run in parallel worker processes."""
    return load_scorer().score(records)


def score(representatives: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Score every distinct ad in batches of SCORE_BATCH, through the flow's task runner."""
    records = list(representatives.values())
    batches = [records[i : i + SCORE_BATCH] for i in range(0, len(records), SCORE_BATCH)]
    futures = score_batch.map(batches) if batches else []
    return {v["id"]: v for future in futures for v in future.result()}


@task(retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def load(run_date: str, items: list[dict[str, Any]], verdicts: dict[str, dict[str, Any]],
         crawl_reports: list[dict[str, Any]], targets: list[dict[str, Any]]) -> dict[str, int]:
    engine = connect()
    with session_maker(engine)() as session, session.begin():
        counts = load_night(session, run_date=date.fromisoformat(run_date), items=items, verdicts=verdicts,
                            crawl_reports=crawl_reports, targets=targets)
    return counts.__dict__


@task(retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def compute_indicators(run_date: str) -> dict[str, Any]:
    day = date.fromisoformat(run_date)
    with session_maker(connect())() as session, session.begin():
        daily = indicators.compute_and_store(session, indicators.Period.day(day))
        indicators.compute_and_store(session, indicators.Period.month(run_date[:7]))
    return {r["key"]: r["value"] for r in daily if r["slice_kind"] == "all"}


@task(retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def raise_alerts(run_date: str) -> dict[str, int]:
    day = date.fromisoformat(run_date)
    rules = alert_rules.load_alert_rules()
    with session_maker(connect())() as session, session.begin():
        findings = alert_rules.evaluate(session, day, rules)
        counts = alert_rules.raise_alerts(session, day, findings)
    counts["findings"] = len(findings)
    return counts


@task(retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def assign_sample(run_date: str) -> int:
    """双随机: hand a random share of tonight's unflagged ads to randomly drawn monitors."""
    with session_maker(connect())() as session, session.begin():
        reviewers = list(session.scalars(select(User.username).where(User.role == "monitor", User.active.is_(True))))
        return len(draw_sample(session, date.fromisoformat(run_date), reviewers=reviewers, share=SAMPLE_SHARE))


@flow(name="admon-nightly", log_prints=True)
def nightly_flow(run_date: str, targets: str | None = None, items: str | None = None) -> dict[str, Any]:
    """Monitor one date end to end and return a summary."""
    targets_path = Path(targets) if targets else default_targets()
    target_list = load_targets(targets_path)
    crawl_dir = settings.data_dir() / "crawl" / run_date
    if items:
        crawl_reports: list[dict[str, Any]] = []
        items_path = Path(items)
    else:
        crawl_reports = crawl_targets(str(targets_path), str(crawl_dir))
        items_path = crawl_dir / "items.jsonl"
        archive_evidence(crawl_dir, settings.data_dir())
    raw, bad_lines = read_items(str(items_path))
    cleaned, dropped = clean(raw)
    tagged, representatives = dedupe(run_date, cleaned)
    verdicts = score(representatives)
    counts = load(run_date, tagged, verdicts, crawl_reports,
                  [{"name": t.name, "kind": t.kind, "config": _jsonable(t.config)} for t in target_list])
    daily = compute_indicators(run_date)
    alert_counts = raise_alerts(run_date)
    sampled = assign_sample(run_date)
    flagged = [v for v in verdicts.values() if v["violation"]]
    by_article = Counter(a for v in flagged for a in v["articles"])
    return {
        "date": run_date,
        "items": len(raw), "bad_lines": bad_lines, "dropped_empty": dropped, "sightings": counts["sightings"],
        "ads": len(representatives), "suspected_ads": len(flagged),
        "suspected_by_article": dict(sorted(by_article.items(), key=lambda kv: -kv[1])),
        "indicators": daily, "alerts": alert_counts, "sampled_for_review": sampled,
        "crawl": [{k: r[k] for k in ("name", "kind", "status", "pages", "items", "errors")} for r in crawl_reports],
    }


def with_runner(runner: str = "default", address: str | None = None) -> Any:
    """The nightly flow on the default (threads) or a Dask task runner: a local cluster, or ``address``."""
    if runner == "default":
        return nightly_flow
    from prefect_dask import DaskTaskRunner

    options = {"address": address} if address else {"cluster_kwargs": {"n_workers": 2, "threads_per_worker": 1,
                                                                       "processes": True}}
    return nightly_flow.with_options(task_runner=DaskTaskRunner(**options))


def _jsonable(config: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(config, default=str))
