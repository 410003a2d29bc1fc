"""Where admon keeps its data and how it reaches the database.

Everything is read from the environment so that the CLI, the flows, the web app and the
tests agree without passing paths around:

- ``ADMON_DATA_DIR``: the data folder (default ``./data``): SQLite database, evidence,
  reports, model artifacts and ``PREFECT_HOME``.
- ``ADMON_DATABASE_URL``: SQLAlchemy URL (default ``sqlite:///<data dir>/admon.db``).
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("Asia/Shanghai")
PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def today() -> date:
    """Today in the bureau's time zone: the server's clock is UTC, and 00:00–08:00 Beijing time
    is still yesterday there."""
    return datetime.now(TIMEZONE).date()


def aware(moment: datetime) -> datetime:
    """``moment`` with a zone: SQLite hands back naive datetimes, stored in Asia/Shanghai."""
    return moment if moment.tzinfo else moment.replace(tzinfo=TIMEZONE)


def data_dir() -> Path:
    """Return the data folder, creating it if needed."""
    path = Path(os.environ.get("ADMON_DATA_DIR", "data")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    """Return the warehouse URL: ``ADMON_DATABASE_URL`` or SQLite in the data folder."""
    url = os.environ.get("ADMON_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{data_dir() / 'admon.db'}"


def configure_prefect() -> None:
    """Point Prefect at a home inside the data folder; never at Prefect Cloud.

    Must run before ``prefect`` is imported: Prefect reads its settings at import time.
    """
    os.environ.setdefault("PREFECT_HOME", str(data_dir() / "prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    # A cold start of the temporary local server can be slow on a busy 2-core machine.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
