from datetime import date

from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.warehouse.factories import build_month
from warehouse.indicators import Period, compute
from warehouse.report import write_monthly
from warehouse.schema import Report

DAY = date(2026, 11, 24)


def test_report_numbers_match_the_indicators(session, tmp_path):
    build_month(session, DAY)
    report = write_monthly(session, "2026-11", tmp_path)
    expected = {r["key"]: r["value"] for r in compute(session, Period.month("2026-11")) if r["slice_kind"] == "all"}
    sheet = load_workbook(report.xlsx_path)["监测指标"]
    shown = {row[1]: row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert shown["监测广告总量"] == expected["ads_total"] == 20
    assert shown["涉嫌违法广告数"] == expected["suspected_total"] == 9
    assert shown["涉嫌违法率"] == expected["violation_rate"]
    assert len(shown) == 16
    html = report.html_path.read_text(encoding="utf-8")
    assert "本月共监测广告 20 条次" in html and "涉嫌违法率 45.0%" in html
    assert "康华医院" in html  # top advertisers


def test_regenerating_a_month_replaces_it(session, tmp_path):
    build_month(session, DAY)
    write_monthly(session, "2026-11", tmp_path)
    write_monthly(session, "2026-11", tmp_path)
    assert session.scalar(select(func.count()).select_from(Report)) == 1


def test_report_escapes_ad_text(session, tmp_path):
    build_month(session, DAY)
    from warehouse.schema import Ad

    ad = session.scalar(select(Ad).where(Ad.violation.is_(True)).order_by(Ad.risk.desc()))
    ad.text = "<script>alert(1)</script>根治"
    session.flush()
    html = write_monthly(session, "2026-11", tmp_path).html_path.read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
