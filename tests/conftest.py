"""Shared fixtures. The data folder and Prefect's home live in a temporary folder per session;
warehouse tests run on SQLite and on the real PostgreSQL at 127.0.0.1:5432 (skipped, with
the reason printed, only where that server is absent)."""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import pytest

_SESSION_DIR = Path(tempfile.mkdtemp(prefix="admon-tests-"))
os.environ["ADMON_DATA_DIR"] = str(_SESSION_DIR / "data")
os.environ.pop("ADMON_DATABASE_URL", None)
os.environ["PREFECT_HOME"] = str(_SESSION_DIR / "prefect")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

FIXTURES = Path(__file__).resolve().parent / "fixtures"
POSTGRES_URL = os.environ.get("ADMON_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_reason() -> str | None:
    try:
        import psycopg

        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", connect_timeout=3):
            return None
    except Exception as exc:  # any failure means: no usable server here
        return f"PostgreSQL at 127.0.0.1:5432 not reachable: {exc}"


_PG_REASON = _postgres_reason()


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    """A migrated, empty warehouse on SQLite or on a fresh PostgreSQL schema."""
    from sqlalchemy import text

    from warehouse.db import connect

    if request.param == "sqlite":
        engine = connect(f"sqlite:///{tmp_path / 'warehouse.db'}")
        yield engine
        engine.dispose()
        return
    if _PG_REASON:
        pytest.skip(_PG_REASON)
    schema = f"admon_test_{uuid.uuid4().hex[:10]}"
    from sqlalchemy import create_engine

    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = connect(f"{POSTGRES_URL}?options=-csearch_path%3D{schema}")
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def session(engine):
    from warehouse.db import session_maker

    with session_maker(engine)() as session:
        yield session


@pytest.fixture(scope="session")
def scorer():
    """The default rule set, the trained classifier (trained once per session) and thresholds."""
    from flows.scoring import load_scorer

    return load_scorer()


@pytest.fixture(scope="session")
def demo_sites():
    from demo.server import serve_sites

    with serve_sites() as urls:
        yield urls
