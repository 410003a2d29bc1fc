"""Warehouse loads: bulk multi-row upserts against ORM row-by-row upserts, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import create_engine, select, text

from warehouse.db import connect, session_maker
from warehouse.schema import Ad
from warehouse.upsert import upsert

ROWS = 10_000
POSTGRES = os.environ.get("ADMON_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def ad_rows(count: int, *, night: int) -> list[dict[str, Any]]:
    day = date(2026, 11, 1) + timedelta(days=night)
    return [{"content_hash": f"{n:040x}", "cluster_key": f"{n:040x}", "text": f"第{n}条广告 最佳疗效 根治 {night}",
             "category": "医疗服务", "violation": n % 2 == 0, "risk": (n % 100) / 100, "articles": ["16"],
             "public_service": False, "first_seen": day, "last_seen": day} for n in range(count)]


def bulk(engine: Any, rows: list[dict[str, Any]]) -> None:
    with session_maker(engine)() as session, session.begin():
        upsert(session, Ad, rows, keys=["content_hash"], update=["text", "violation", "risk", "articles"],
               keep_min=["first_seen"], keep_max=["last_seen"])


def row_by_row(engine: Any, rows: list[dict[str, Any]]) -> None:
    """What an ORM user writes first: look each row up, update or add it, flush."""
    with session_maker(engine)() as session, session.begin():
        for row in rows:
            ad = session.scalar(select(Ad).where(Ad.content_hash == row["content_hash"]))
            if ad is None:
                session.add(Ad(**row))
            else:
                ad.text, ad.violation = row["text"], row["violation"]
                ad.risk, ad.articles = row["risk"], row["articles"]
                ad.first_seen, ad.last_seen = min(ad.first_seen, row["first_seen"]), max(ad.last_seen, row["last_seen"])
            session.flush()


def measure(engine_for: Any, count: int) -> dict[str, float]:
    """Seconds for a first load and a re-load (half new, half updated) of ``count`` rows each way."""
    seconds = {}
    first = ad_rows(count, night=0)
    second = ad_rows(count, night=1)[count // 2:] + ad_rows(count // 2, night=1)
    for name, load in (("bulk", bulk), ("rowwise", row_by_row)):
        engine = engine_for()
        started = time.perf_counter()
        load(engine, first)
        load(engine, second)
        seconds[name] = time.perf_counter() - started
        engine.dispose()
    return seconds


def run(count: int = ROWS) -> dict[str, Any]:
    results: dict[str, Any] = {"upsert_rows": count}
    with tempfile.TemporaryDirectory() as tmp:
        paths = iter(range(10))
        sqlite = measure(lambda: connect(f"sqlite:///{tmp}/bench-{next(paths)}.db"), count)
    results["upsert_sqlite_rows_per_s"] = round(2 * count / sqlite["bulk"])
    results["upsert_vs_rowwise_sqlite"] = round(sqlite["rowwise"] / sqlite["bulk"], 1)
    try:
        admin = create_engine(POSTGRES)
        schemas = []

        def postgres() -> Any:
            schema = f"bench_{uuid.uuid4().hex[:8]}"
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            schemas.append(schema)
            return connect(f"{POSTGRES}?options=-csearch_path%3D{schema}")

        pg = measure(postgres, count)
        with admin.begin() as conn:
            for schema in schemas:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        results["upsert_postgres_rows_per_s"] = round(2 * count / pg["bulk"])
        results["upsert_vs_rowwise_postgres"] = round(pg["rowwise"] / pg["bulk"], 1)
    except Exception as exc:  # no server: say so in the results rather than fail the suite
        results["upsert_vs_rowwise_postgres"] = f"skipped: {exc.__class__.__name__}: {exc}"[:200]
    return results
