"""``make demo``: the whole night on bundled data, served on loopback, with a short summary."""

from __future__ import annotations

import sys
import time
from datetime import date, timedelta

from sqlalchemy import select

from admon import settings
from demo.history import DAYS, backfill
from demo.server import TARGETS, serve_sites
from flows.monthly import monthly_flow
from flows.nightly import nightly_flow
from rules.loader import ARTICLES
from warehouse import indicators
from warehouse.alerts import evaluate as evaluate_alerts
from warehouse.alerts import load_alert_rules, raise_alerts
from warehouse.db import connect, session_maker
from warehouse.schema import Alert

ARTICLE_NAMES = {
    "9-flag": "国旗国徽等", "9-state": "国家机关名义", "9-abs": "绝对化用语", "9-vice": "迷信赌博等",
    "11": "数据引证无出处", "12": "专利", "13": "贬低他人", "14": "广告可识别性", "16": "医疗药品器械",
    "17": "非医疗宣传疗效", "18": "保健食品",
    "19": "养生节目变相广告", "20": "母乳代用品", "21": "农资", "22": "烟草", "23": "酒类", "24": "教育培训",
    "25": "投资理财", "26": "房地产", "28": "虚假广告", "38": "代言人", "40": "未成年人",
}
assert set(ARTICLE_NAMES) == set(ARTICLES)


def run_demo(run_date: date) -> int:
    """Run the demo night and monthly report; print the summary; return an exit code."""
    started = time.monotonic()
    print(f"admon demo: serving the bundled sites on 127.0.0.1:8801-8803, monitoring {run_date} …", file=sys.stderr)
    with serve_sites():
        summary = nightly_flow(run_date=run_date.isoformat(), targets=str(TARGETS))
    history = build_history(run_date)
    if history.get("sightings"):
        print(f"admon demo: grew {history['days']} days of history from tonight's crawl "
              f"({history['sightings']} sightings, {history['reviews']} reviews, {history['cases']} cases, "
              f"{history['citizen_reports']} citizen reports)", file=sys.stderr)
        summary["alerts"] = _raise_alerts(run_date)
    report = monthly_flow(month=run_date.strftime("%Y-%m"))
    accounts = demo_accounts()
    with session_maker(connect())() as session:
        alerts = session.scalars(select(Alert).where(Alert.status == "open").order_by(Alert.id)).all()
        alerts = sorted(alerts, key=lambda a: ("red", "orange", "yellow").index(a.level))
    print_summary(summary, report, alerts, accounts, time.monotonic() - started)
    return 0


def build_history(run_date: date) -> dict[str, int]:
    """Backfill the demo's past months, then compute their indicators and alerts day by day."""
    with session_maker(connect())() as session, session.begin():
        counts = backfill(session, run_date)
    if "skipped" in counts:
        return counts
    days = sorted({run_date - timedelta(days=n) for n in range(1, DAYS + 1)})
    with session_maker(connect())() as session, session.begin():
        rules = load_alert_rules()
        for day in days:
            indicators.compute_and_store(session, indicators.Period.day(day))
            raise_alerts(session, day, evaluate_alerts(session, day, rules))
        for month in sorted({d.strftime("%Y-%m") for d in [*days, run_date]}):
            indicators.compute_and_store(session, indicators.Period.month(month))
    return {**counts, "days": len(days)}


def _raise_alerts(run_date: date) -> dict[str, int]:
    """Tonight's alerts again, now that the baselines they compare against exist."""
    with session_maker(connect())() as session, session.begin():
        findings = evaluate_alerts(session, run_date, load_alert_rules())
        counts = raise_alerts(session, run_date, findings)
        indicators.compute_and_store(session, indicators.Period.day(run_date))
    return counts


# Demo only: known passwords so that a visitor can log in. Real accounts: `admon user add`.
DEMO_ACCOUNTS = (("monitor", "monitor", "监测员 张敏", "demo-monitor-2026"),
                 ("enforcer", "enforcer", "执法人员 赵刚", "demo-enforcer-2026"),
                 ("admin", "admin", "管理员 王磊", "demo-admin-2026"))


def demo_accounts() -> list[tuple[str, str, str]]:
    """Create the demo's accounts if missing; returns (username, role, password)."""
    from app.auth import create_user
    from warehouse.schema import User

    with session_maker(connect())() as session, session.begin():
        for username, role, name, password in DEMO_ACCOUNTS:
            if session.scalar(select(User).where(User.username == username)) is None:
                create_user(session, username, password, role=role, display_name=name, actor="demo")
    return [(username, role, password) for username, role, _name, password in DEMO_ACCOUNTS]


def print_summary(summary: dict, report: dict, alerts: list, accounts: list, seconds: float) -> None:
    ind = summary["indicators"]
    lines = [
        "",
        f"══ admon 监测日报 {summary['date']} ══",
        f"采集：{summary['items']} 条广告记录（{summary['ads']} 条不重复广告），"
        f"涉嫌违法 {summary['suspected_ads']} 条，涉嫌违法率 {(ind.get('violation_rate') or 0) * 100:.1f}%",
    ]
    for target in summary["crawl"]:
        errors = "，".join(f"{k}×{v}" for k, v in target["errors"].items())
        lines.append(f"  · {target['name']}（{target['kind']}）：{target['items']} 条"
                     + (f"；异常：{errors}" if errors else ""))
    lines.append("涉嫌违法条款：")
    for article, count in summary["suspected_by_article"].items():
        lines.append(f"  · 广告法第{article.split('-')[0]}条（{ARTICLE_NAMES.get(article, article)}）：{count} 条")
    levels = {"red": "红色", "orange": "橙色", "yellow": "黄色"}
    lines.append(f"风险预警：新增 {summary['alerts']['opened']} 条，更新 {summary['alerts']['updated']} 条；"
                 f"当前未关闭 {len(alerts)} 条")
    for alert in alerts[:8]:
        lines.append(f"  · [{levels.get(alert.level, alert.level)}] {alert.title}")
    lines += [
        f"月报：{report['html']}",
        f"      {report['xlsx']}",
        f"数据库：{settings.database_url()}",
        "审核系统：.venv/bin/admon serve  然后打开 http://127.0.0.1:8000/ （群众举报页 /report）",
        "演示账号：" + "；".join(f"{u} / {p}" for u, _r, p in accounts),
        f"用时 {seconds:.0f} 秒",
    ]
    print("\n".join(lines))
