from datetime import date

import pytest
from fastapi.testclient import TestClient

from tests.warehouse.factories import build_month
from warehouse.indicators import Period, compute_and_store
from warehouse.schema import Ad


@pytest.fixture
def client(engine, monkeypatch):
    from warehouse.db import session_maker

    monkeypatch.setenv("ADMON_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    with session_maker(engine)() as session, session.begin():
        build_month(session, date(2026, 11, 24))
        session.add(Ad(content_hash="x" * 40, text='<img src=x onerror="alert(1)">根治', category="医疗服务",
                       violation=True, risk=0.99, articles=["16"], first_seen=date(2026, 11, 24),
                       last_seen=date(2026, 11, 24)))
        compute_and_store(session, Period.day(date(2026, 11, 24)))
    from app.main import create_app

    return TestClient(create_app())


def test_queue_is_sorted_by_risk_and_shows_indicators(client):
    page = client.get("/").text
    assert "监测指标（2026-11-24）" in page
    assert page.index("0.99") < page.index("0.95") < page.index("0.80")


def test_evidence_text_is_escaped_and_scripts_are_forbidden(client):
    response = client.get("/")
    assert '<img src=x onerror="alert(1)">' not in response.text
    assert "&lt;img src=x onerror=" in response.text
    assert "script-src 'none'" in response.headers["content-security-policy"]
