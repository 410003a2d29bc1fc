"""The nightly flow end to end on the bundled demo sites, under Prefect's test harness."""

from datetime import date

import pytest
from prefect.testing.utilities import prefect_test_harness
from sqlalchemy import func, select

from demo.server import TARGETS
from warehouse.schema import Base


@pytest.fixture(scope="module")
def harness():
    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def warehouse_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'nightly.db'}"
    monkeypatch.setenv("ADMON_DATABASE_URL", url)
    return url


def counts(url):
    from warehouse.db import connect

    engine = connect(url)
    with engine.connect() as connection:
        return {t.name: connection.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def test_running_a_night_twice_leaves_row_counts_unchanged(harness, demo_sites, warehouse_url):
    from flows.nightly import nightly_flow

    first = nightly_flow(run_date="2026-11-24", targets=str(TARGETS))
    after_first = counts(warehouse_url)
    second = nightly_flow(run_date="2026-11-24", targets=str(TARGETS))
    assert counts(warehouse_url) == after_first
    assert first["suspected_ads"] == second["suspected_ads"] > 0
    assert after_first["sightings"] == first["sightings"] > 100
    assert after_first["alerts"] > 0 and second["alerts"]["opened"] == 0
    assert {c["kind"] for c in first["crawl"]} == {"web", "wechat", "ecommerce", "outdoor", "broadcast"}


def test_monthly_flow_writes_and_records_the_report(harness, demo_sites, warehouse_url, tmp_path):
    from flows.monthly import monthly_flow
    from flows.nightly import nightly_flow

    nightly_flow(run_date=date(2026, 11, 24).isoformat(), targets=str(TARGETS))
    result = monthly_flow(month="2026-11", out_dir=str(tmp_path / "reports"))
    assert result["summary"]["ads_total"] > 100
    assert (tmp_path / "reports" / "monthly-2026-11.html").exists()
    assert counts(warehouse_url)["reports"] == 1


def test_the_dask_runner_gives_the_same_verdicts_as_the_default(harness, fixtures, tmp_path, monkeypatch):
    import flows.nightly
    from flows.nightly import with_runner

    monkeypatch.setattr(flows.nightly, "SCORE_BATCH", 2)  # several batches, so several workers score
    results = {}
    for runner in ("default", "dask"):
        monkeypatch.setenv("ADMON_DATABASE_URL", f"sqlite:///{tmp_path / runner}.db")
        results[runner] = with_runner(runner)(run_date="2026-11-24", targets=str(TARGETS),
                                              items=str(fixtures / "items" / "night.jsonl"))
        results[runner]["tables"] = counts(f"sqlite:///{tmp_path / runner}.db")
    for key in ("items", "ads", "suspected_ads", "suspected_by_article", "indicators", "tables"):
        assert results["dask"][key] == results["default"][key], key
