"""HTTP-level tests of the review app: auth, roles, CSRF, XSS, decisions, cases, exports."""

import io

from openpyxl import load_workbook
from sqlalchemy import select

from tests.app.conftest import PASSWORDS, login, token
from warehouse.schema import AuditEntry, Case, Review


def test_pages_need_a_login(client):
    for path in ("/", "/queue", "/cases", "/ads/1", "/export/queue.csv"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_wrong_password_then_lockout_after_five_failures(client, engine):
    for _ in range(5):
        response = client.post("/login", data={"username": "monitor", "password": "wrong-password",
                                                "csrf_token": token(client)})
        assert response.status_code == 401 and "用户名或密码错误" in response.text
    response = client.post("/login", data={"username": "monitor", "password": PASSWORDS["monitor"],
                                            "csrf_token": token(client)})
    assert response.status_code == 401 and "锁定" in response.text
    with engine.connect() as connection:
        actions = [a for (a,) in connection.execute(select(AuditEntry.action).where(AuditEntry.actor == "monitor"))]
    assert actions.count("login.failed") == 4 and "login.lockout" in actions and "login.locked" in actions


def test_login_without_csrf_token_is_refused(client):
    client.get("/login")
    response = client.post("/login", data={"username": "monitor", "password": PASSWORDS["monitor"]})
    assert response.status_code in (403, 422)


def test_open_redirect_through_next_is_refused(client):
    response = client.post("/login", data={"username": "monitor", "password": PASSWORDS["monitor"],
                                            "csrf_token": token(client), "next": "//evil.example/"},
                           follow_redirects=False)
    assert response.headers["location"] == "/"


def test_dashboard_and_queue(client, app_data):
    login(client, "monitor")
    page = client.get("/").text
    assert "监测广告总量" in page and "涉嫌违法率" in page and "高风险行业" in page
    queue = client.get("/queue").text
    assert f"#{app_data['xss_ad']}" in queue and "广告a1" not in queue  # A1 is already reviewed
    everything = client.get("/queue?status=all").text
    assert everything.index(f"#{app_data['xss_ad']}") < everything.index("广告a1") < everything.index("广告a2")
    assert "广告a1" not in client.get("/queue?status=all&category=化妆品").text


def test_evidence_is_escaped_everywhere_and_never_live(client, app_data):
    login(client, "monitor")
    for path in ("/queue", f"/ads/{app_data['xss_ad']}"):
        response = client.get(path)
        assert "<script>alert" not in response.text and "&lt;script&gt;" in response.text
        assert "script-src 'none'" in response.headers["content-security-policy"]
    detail = client.get(f"/ads/{app_data['xss_ad']}").text
    assert '<mark title="med.guarantee · 第16条">根治</mark>' in detail
    framed = client.get("/evidence/" + "ab" * 32)
    assert framed.headers["content-security-policy"].startswith("sandbox")
    raw = client.get("/evidence/" + "ab" * 32 + "?raw=1")
    assert raw.headers["content-type"].startswith("text/plain")


def test_decisions_need_the_csrf_token_and_the_right_role(client, app_data):
    ad = app_data["xss_ad"]
    login(client, "enforcer")
    csrf = token(client, f"/ads/{ad}")
    assert client.post(f"/ads/{ad}/decision", data={"decision": "confirmed", "csrf_token": csrf}).status_code == 403
    client.post("/logout", data={"csrf_token": csrf})
    login(client, "monitor")
    assert client.post(f"/ads/{ad}/decision", data={"decision": "confirmed"}).status_code == 422
    assert client.post(f"/ads/{ad}/decision", data={"decision": "confirmed",
                                                    "csrf_token": "forged"}).status_code == 403


def test_confirm_dispatch_feedback_close(client, app_data, engine):
    ad = app_data["xss_ad"]
    login(client, "monitor")
    csrf = token(client, f"/ads/{ad}")
    dismissed = client.post(f"/ads/{ad}/decision", data={"decision": "dismissed", "csrf_token": csrf})
    assert dismissed.status_code == 400 and "理由" in dismissed.text
    response = client.post(f"/ads/{ad}/decision", data={"decision": "confirmed", "articles": ["16", "9-abs"],
                                                         "category": "医疗服务", "csrf_token": csrf})
    assert response.status_code == 200 and "已记录审核结论" in response.text
    response = client.post("/cases", data={"ad_id": ad, "district": "张店区市场监管局", "due_on": "2099-01-01",
                                           "csrf_token": csrf})
    assert response.status_code == 200 and "已派发" in response.text
    with engine.connect() as connection:
        case_id = connection.scalar(select(Case.id).where(Case.ad_id == ad))
        assert connection.scalar(select(Review.articles).where(Review.ad_id == ad)) == ["16", "9-abs"]
    client.post("/logout", data={"csrf_token": csrf})
    login(client, "enforcer")
    csrf = token(client, f"/cases/{case_id}")
    bad = client.post(f"/cases/{case_id}/feedback", data={"outcome": "penalised", "csrf_token": csrf},
                      files={"attachment": ("x.exe", b"MZ\x90\x00binary", "application/octet-stream")})
    assert bad.status_code == 415
    response = client.post(f"/cases/{case_id}/feedback", data={"outcome": "penalised", "note": "罚款2万元",
                                                                "csrf_token": csrf},
                           files={"attachment": ("决定书.pdf", b"%PDF-1.4\n...", "application/pdf")})
    assert "已反馈" in response.text
    response = client.post(f"/cases/{case_id}/close", data={"csrf_token": csrf})
    assert "已办结" in response.text
    with engine.connect() as connection:
        actions = {a for (a,) in connection.execute(select(AuditEntry.action))}
    assert {"review.confirmed", "case.dispatch", "case.feedback", "case.close"} <= actions


def test_exports_neutralise_formulas(client, engine):
    login(client, "monitor")
    csv_text = client.get("/export/queue.csv?status=all").content.decode("utf-8-sig")
    assert csv_text.startswith("编号,风险")
    book = load_workbook(io.BytesIO(client.get("/export/cases.xlsx").content))
    assert book.active["A1"].value == "案件号"
    from app.exports import _cell

    assert _cell("=HYPERLINK(\"http://evil\")") == "'=HYPERLINK(\"http://evil\")"
