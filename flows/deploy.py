"""Scheduled deployments: nightly at 02:00 and monthly on the 1st at 06:00, Asia/Shanghai.

``admon deploy`` serves both from this process (``prefect.serve``) against a Prefect API
(``PREFECT_API_URL``, e.g. a ``prefect server start`` on the same host); see docs/deploy.md.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from prefect import flow, serve
from prefect.schedules import Cron

from admon import settings
from flows.monthly import monthly_flow
from flows.nightly import nightly_flow

TIMEZONE = "Asia/Shanghai"
NIGHTLY_CRON = "0 2 * * *"
MONTHLY_CRON = "0 6 1 * *"


@flow(name="admon-nightly-scheduled")
def scheduled_nightly(targets: str | None = None) -> dict[str, Any]:
    """At 02:00, monitor the day that just ended."""
    yesterday = settings.today() - timedelta(days=1)
    return nightly_flow(run_date=yesterday.isoformat(), targets=targets)


@flow(name="admon-monthly-scheduled")
def scheduled_monthly() -> dict[str, Any]:
    """On the 1st at 06:00, report on the month that just ended."""
    last_month = settings.today().replace(day=1) - timedelta(days=1)
    return monthly_flow(month=last_month.strftime("%Y-%m"))


def deployments(targets: str | None = None) -> list[Any]:
    nightly = scheduled_nightly.with_options(retries=2, retry_delay_seconds=600).to_deployment(
        name="nightly", schedule=Cron(NIGHTLY_CRON, timezone=TIMEZONE), parameters={"targets": targets},
        tags=["admon", "nightly"],
    )
    monthly = scheduled_monthly.with_options(retries=2, retry_delay_seconds=600).to_deployment(
        name="monthly", schedule=Cron(MONTHLY_CRON, timezone=TIMEZONE), tags=["admon", "monthly"],
    )
    return [nightly, monthly]


def serve_deployments(targets: str | None = None) -> None:
    serve(*deployments(targets))
