import io
import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from tests.warehouse.factories import build_month
from warehouse.indicators import Period, compute_and_store
from warehouse.schema import Ad, Capture, Score, Sighting

DAY = date(2026, 11, 24)
PASSWORDS = {"monitor": "monitor-pass-2026", "enforcer": "enforcer-pass-2026", "admin": "admin-pass-2026"}
XSS = "<script>window.__xss = 1</script><img src=x onerror=\"window.__xss = 2\">根治牛皮癣"


@pytest.fixture
def app_data(engine, monkeypatch, tmp_path):
    """A warehouse with a month of data, an XSS-laden ad with evidence, and three accounts."""
    from app.auth import create_user
    from warehouse.db import session_maker

    monkeypatch.setenv("ADMON_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ADMON_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    evidence = tmp_path / "evidence" / "ab" / ("ab" * 32 + ".html")
    evidence.parent.mkdir(parents=True)
    evidence.write_text(f"<html><body><div class='ad'>{XSS}</div></body></html>", encoding="utf-8")
    with session_maker(engine)() as session, session.begin():
        build_month(session, DAY)
        capture = Capture(sha256="ab" * 32, path="evidence/ab/" + "ab" * 32 + ".html", url="http://x.cn/")
        ad = Ad(content_hash="x" * 40, text=XSS, category="医疗服务", violation=True, risk=0.99, articles=["16"],
                first_seen=DAY, last_seen=DAY)
        session.add_all([capture, ad])
        session.flush()
        session.add(Sighting(item_id="xss", seen_on=DAY, ad_id=ad.id, capture_id=capture.id, source_kind="web",
                             url="http://x.cn/"))
        from warehouse.review import now

        session.add(Score(ad_id=ad.id, ruleset="t", model_version="m", violation=True, risk=0.99, articles=["16"],
                          category="医疗服务", p_violation=0.9, scored_at=now(),
                          hits=[{"rule": "med.guarantee", "article": "16", "start": XSS.index("根治"),
                                 "end": XSS.index("根治") + 2, "text": "根治", "source": "rule"}]))
        compute_and_store(session, Period.day(DAY))
        for role, password in PASSWORDS.items():
            create_user(session, role, password, role=role, display_name=f"测试{role}")
        session.flush()
        return {"xss_ad": ad.id}


@pytest.fixture
def client(app_data):
    from app.main import create_app

    with TestClient(create_app()) as client:
        yield client


def token(client, path="/login"):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text).group(1)


def login(client, role):
    response = client.post("/login", data={"username": role, "password": PASSWORDS[role], "csrf_token": token(client),
                                           "next": "/"}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return client


def jpeg(text_colour=(0, 0, 0), exif_gps=True):
    image = Image.new("RGB", (64, 48), (255, 255, 255))
    out = io.BytesIO()
    exif = Image.Exif()
    if exif_gps:
        exif[0x010F] = "TestCam"  # Make
        exif[0x8825] = {1: "N", 2: (36.0, 48.0, 0.0)}  # GPS
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()
