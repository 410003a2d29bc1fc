"""The monthly report flow: indicators for the month, then the Chinese report (HTML, XLSX)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from admon import settings
from warehouse.db import connect, session_maker
from warehouse.report import write_monthly


@task(retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def build_report(month: str, out_dir: str) -> dict[str, Any]:
    with session_maker(connect())() as session, session.begin():
        report = write_monthly(session, month, Path(out_dir))
    return {"month": report.month, "html": str(report.html_path), "xlsx": str(report.xlsx_path),
            "summary": report.summary}


@flow(name="admon-monthly", log_prints=True)
def monthly_flow(month: str, out_dir: str | None = None) -> dict[str, Any]:
    """Write the monthly report for ``month`` (YYYY-MM); re-running replaces it."""
    return build_report(month, out_dir or str(settings.data_dir() / "reports"))
