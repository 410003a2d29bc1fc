"""The monthly report (Chinese) as HTML and XLSX, recorded in the warehouse.

Regenerating a month overwrites its files and replaces its ``reports`` row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from openpyxl import Workbook
from openpyxl.drawing.image import Image as XlsxImage
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import Session

from admon.settings import TIMEZONE
from warehouse.charts import breakdown_chart, trend_chart
from warehouse.indicators import KEYS, NAMES, Period, compute_and_store, sightings_frame
from warehouse.ranking import rank_advertisers, rank_sectors
from warehouse.schema import Ad, Alert, Report, Score, Sighting
from warehouse.upsert import upsert

TEMPLATES = Path(__file__).resolve().parent / "templates"
RATE_KEYS = {"violation_rate", "serious_rate", "rate_by_channel", "rate_by_category", "mom_change",
             "public_service_share", "review_confirm_rate", "timely_rate"}


@dataclass(frozen=True)
class MonthlyReport:
    month: str
    html_path: Path
    xlsx_path: Path
    summary: dict[str, Any]


def gather(session: Session, month: str) -> dict[str, Any]:
    """Everything the report shows, computed from the warehouse."""
    period = Period.month(month)
    rows = compute_and_store(session, period)
    previous = {(r["key"], r["slice_kind"], r["slice_value"]): r["value"]
                for r in compute_and_store(session, period.previous())}
    overall = [dict(r, name=NAMES[r["key"]], previous=previous.get((r["key"], "all", "全部")))
               for r in rows if r["slice_kind"] == "all" and r["key"] in KEYS]
    by_slice = {kind: sorted((r for r in rows if r["slice_kind"] == kind and r["key"] == "ads_total"),
                             key=lambda r: -r["value"]) for kind in ("channel", "category", "district", "platform")}
    rates = {(r["slice_kind"], r["slice_value"]): r["value"] for r in rows if r["key"] == "violation_rate"}
    suspected = {(r["slice_kind"], r["slice_value"]): r["value"] for r in rows if r["key"] == "suspected_total"}
    breakdown = {kind: [{"name": r["slice_value"], "total": int(r["value"]),
                         "suspected": int(suspected.get((kind, r["slice_value"]), 0)),
                         "rate": rates.get((kind, r["slice_value"]))} for r in items]
                 for kind, items in by_slice.items()}
    return {
        "month": month,
        "generated_at": datetime.now(TIMEZONE).strftime("%Y-%m-%d %H:%M"),
        "indicators": overall,
        "breakdown": breakdown,
        "trend": monthly_trend(session, period),
        "top_advertisers": rank_advertisers(session, period),
        "high_risk_sectors": rank_sectors(session, period, limit=5),
        "notable": notable_ads(session, period),
        "alerts": alerts_in(session, period),
        "value": {r["key"]: r["value"] for r in overall},
    }


def monthly_trend(session: Session, period: Period, months: int = 12) -> list[dict[str, Any]]:
    """Violation rate for the 12 months ending with ``period``."""
    start = period.start
    for _ in range(months - 1):
        start = (start - timedelta(days=1)).replace(day=1)
    frame = sightings_frame(session, start, period.end)
    months = frame["seen_on"].map(lambda d: f"{d.year:04d}-{d.month:02d}")
    totals = frame.groupby(months)["violation"].agg(["size", "sum"]) if len(frame) else None
    trend = []
    cursor = start
    while cursor <= period.end:
        label = f"{cursor.year:04d}-{cursor.month:02d}"
        total, suspected = (int(totals.at[label, "size"]), int(totals.at[label, "sum"])) \
            if totals is not None and label in totals.index else (0, 0)
        trend.append({"month": label, "total": total, "suspected": suspected,
                      "rate": round(suspected / total, 4) if total else None})
        cursor = (cursor.replace(day=28) + timedelta(days=4)).replace(day=1)
    return trend


def notable_ads(session: Session, period: Period, limit: int = 8) -> list[dict[str, Any]]:
    seen = select(Sighting.ad_id).where(Sighting.seen_on >= period.start, Sighting.seen_on <= period.end)
    ads = session.scalars(select(Ad).where(Ad.violation.is_(True), Ad.id.in_(seen))
                          .order_by(Ad.risk.desc(), Ad.id).limit(limit)).all()
    notable = []
    for ad in ads:
        score = session.scalar(select(Score).where(Score.ad_id == ad.id).order_by(Score.scored_at.desc()).limit(1))
        hits = [h for h in (score.hits if score else []) if h.get("text")]
        notable.append({"id": ad.id, "category": ad.category, "risk": round(ad.risk, 2),
                        "articles": ad.articles, "excerpt": ad.text[:120],
                        "evidence": "、".join(dict.fromkeys(h["text"] for h in hits))[:80]})
    return notable


def alerts_in(session: Session, period: Period) -> list[dict[str, Any]]:
    stmt = select(Alert).where(Alert.updated_on >= period.start, Alert.raised_on <= period.end).order_by(Alert.id)
    return [{"level": a.level, "title": a.title, "status": a.status, "raised_on": a.raised_on.isoformat()}
            for a in session.scalars(stmt)]


def write_monthly(session: Session, month: str, out_dir: Path) -> MonthlyReport:
    """Write the month's HTML and XLSX into ``out_dir`` and record them."""
    data = gather(session, month)
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = out_dir / f"monthly-{month}.html"
    xlsx_path = out_dir / f"monthly-{month}.xlsx"
    chart_dir = out_dir / f"monthly-{month}-charts"
    charts = {
        "trend": trend_chart(data["trend"], chart_dir / "trend.png"),
        "channel": breakdown_chart(data["breakdown"]["channel"], "分媒介监测情况", chart_dir / "channel.png"),
        "category": breakdown_chart(data["breakdown"]["category"], "分行业监测情况", chart_dir / "category.png"),
    }
    data["charts"] = {name: path.relative_to(out_dir).as_posix() for name, path in charts.items()}
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    env.filters["pct"] = lambda v: "—" if v is None else f"{v * 100:.1f}%"
    env.filters["num"] = _format_value
    html_path.write_text(env.get_template("monthly.html").render(**data), encoding="utf-8")
    write_xlsx(data, xlsx_path, charts)
    summary = {"ads_total": data["value"].get("ads_total"), "suspected_total": data["value"].get("suspected_total"),
               "violation_rate": data["value"].get("violation_rate"), "alerts": len(data["alerts"])}
    upsert(session, Report, [{"kind": "monthly", "period": month, "html_path": str(html_path),
                              "xlsx_path": str(xlsx_path), "summary": summary,
                              "created_at": datetime.now(TIMEZONE)}],
           keys=["kind", "period"], update=["html_path", "xlsx_path", "summary", "created_at"])
    return MonthlyReport(month, html_path, xlsx_path, summary)


def write_xlsx(data: dict[str, Any], path: Path, charts: dict[str, Path]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "监测指标"
    _table(sheet, ["序号", "指标", "本月", "上月"],
           [[i, r["name"], r["value"], r["previous"]] for i, r in enumerate(data["indicators"], start=1)])
    names = {"channel": "分媒介", "category": "分行业", "district": "分区县", "platform": "分平台"}
    for kind, title in names.items():
        _table(book.create_sheet(title), ["名称", "广告数", "涉嫌违法数", "违法率"],
               [[b["name"], b["total"], b["suspected"], b["rate"]] for b in data["breakdown"][kind]])
    _table(book.create_sheet("违法趋势"), ["月份", "广告数", "涉嫌违法数", "违法率"],
           [[t["month"], t["total"], t["suspected"], t["rate"]] for t in data["trend"]])
    _table(book.create_sheet("高风险行业"), ["行业", "涉嫌违法数", "违法率", "风险分"],
           [[s["name"], s["suspected"], s["rate"], s["score"]] for s in data["high_risk_sectors"]])
    advertiser_header = ["广告主", "违法广告数", "发现次数", "最高风险", "确认违法", "群众举报", "风险分"]
    _table(book.create_sheet("重点广告主"), advertiser_header,
           [[a["name"], a["ads"], a["sightings"], a["max_risk"], a["confirmed"], a["reports"], a["score"]]
            for a in data["top_advertisers"]])
    _table(book.create_sheet("典型线索"), ["编号", "行业", "风险", "条款", "违法用语", "摘录"],
           [[n["id"], n["category"], n["risk"], "、".join(n["articles"]), n["evidence"], n["excerpt"]]
            for n in data["notable"]])
    figures = book.create_sheet("图表")
    row = 1
    for chart in charts.values():
        image = XlsxImage(str(chart))
        figures.add_image(image, f"A{row}")
        row += int(image.height / 20) + 2
    book.save(path)


def _table(sheet: Any, header: list[str], rows: list[list[Any]]) -> None:
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)


def _format_value(value: float | None, key: str = "") -> str:
    if value is None:
        return "—"
    if key in RATE_KEYS:
        return f"{value * 100:+.1f}%" if key == "mom_change" else f"{value * 100:.1f}%"
    return f"{value:.2f}" if isinstance(value, float) and not value.is_integer() else f"{int(value)}"
