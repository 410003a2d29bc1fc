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


def test_charts_are_drawn_in_an_installed_cjk_font(session, tmp_path):
    from matplotlib import font_manager

    from warehouse.charts import cjk_font

    build_month(session, DAY)
    report = write_monthly(session, "2026-11", tmp_path)
    from matplotlib.ft2font import FT2Font

    font = font_manager.findfont(cjk_font(), fallback_to_default=False)
    assert "CJK" in font or "WenQuanYi" in font
    face = FT2Font(font)
    labels = "近12个月广告监测量与涉嫌违法率分媒介行业情况条次未发现医疗服务食品饮料"
    assert all(face.get_char_index(ord(c)) for c in labels), "the font lacks glyphs: charts would show boxes"
    charts = sorted((tmp_path / "monthly-2026-11-charts").glob("*.png"))
    assert [c.name for c in charts] == ["category.png", "channel.png", "trend.png"]
    assert all(c.stat().st_size > 10_000 for c in charts)
    html = report.html_path.read_text(encoding="utf-8")
    assert 'src="monthly-2026-11-charts/trend.png"' in html
    assert "图表" in load_workbook(report.xlsx_path).sheetnames
