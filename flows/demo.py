"""``make demo``: the whole night on bundled data, served on loopback, with a short summary."""

from __future__ import annotations

import sys
import time
from datetime import date

from sqlalchemy import select

from admon import settings
from demo.server import TARGETS, serve_sites
from flows.monthly import monthly_flow
from flows.nightly import nightly_flow
from rules.loader import ARTICLES
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
    report = monthly_flow(month=run_date.strftime("%Y-%m"))
    with session_maker(connect())() as session:
        alerts = session.scalars(select(Alert).where(Alert.status == "open").order_by(Alert.id)).all()
        alerts = sorted(alerts, key=lambda a: ("red", "orange", "yellow").index(a.level))
    print_summary(summary, report, alerts, time.monotonic() - started)
    return 0


def print_summary(summary: dict, report: dict, alerts: list, seconds: float) -> None:
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
        "审核系统：.venv/bin/admon serve  然后打开 http://127.0.0.1:8000/",
        f"用时 {seconds:.0f} 秒",
    ]
    print("\n".join(lines))
