"""Risk alerts (预警): rules in ``alerts.yaml`` over scores and indicators, one open alert per
rule and subject — a repeat raises nothing new, it updates the open alert."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from admon.datafile import read_yaml
from warehouse.indicators import Period, period_bounds, sightings_frame
from warehouse.schema import Ad, Advertiser, Alert, CitizenReport, Review, Sighting

ALERT_RULES = Path(__file__).resolve().parent / "alerts.yaml"
LEVELS = ("red", "orange", "yellow")
REQUIRED = {
    "serious_violation": ("level", "min_risk", "categories"),
    "sector_rate": ("level", "threshold", "min_ads"),
    "sector_spike": ("level", "factor", "min_increase", "min_ads", "baseline_days"),
    "repeat_violator": ("level", "min_confirmed", "window_days"),
    "citizen_surge": ("level", "min_reports", "window_days"),
}


class AlertConfigError(ValueError):
    """``alerts.yaml`` is malformed."""


@dataclass(frozen=True)
class Finding:
    rule: str
    subject_kind: str
    subject: str
    level: str
    title: str
    evidence: dict[str, Any]


def load_alert_rules(path: Path = ALERT_RULES) -> dict[str, dict[str, Any]]:
    """Read and validate the alert rules."""
    data = read_yaml(path, error=AlertConfigError) or {}
    for name, config in data.items():
        if name not in REQUIRED:
            raise AlertConfigError(f"{path}: unknown alert rule {name!r}")
        missing = [k for k in REQUIRED[name] if k not in (config or {})]
        if missing:
            raise AlertConfigError(f"{path}: {name}: missing {', '.join(missing)}")
        if config["level"] not in LEVELS:
            raise AlertConfigError(f"{path}: {name}: level must be one of {', '.join(LEVELS)}")
    return data


def evaluate(session: Session, day: date, rules: dict[str, dict[str, Any]]) -> list[Finding]:
    """Every alert the rules raise for ``day``."""
    findings: list[Finding] = []
    checks = {"serious_violation": serious_violations, "sector_rate": sector_rates, "sector_spike": sector_spikes,
              "repeat_violator": repeat_violators, "citizen_surge": citizen_surges}
    for name, config in rules.items():
        findings.extend(checks[name](session, day, config))
    return findings


def raise_alerts(session: Session, day: date, findings: list[Finding]) -> dict[str, int]:
    """Open new alerts and update open ones for the same rule and subject."""
    counts = {"opened": 0, "updated": 0}
    rules = {f.rule for f in findings}
    # All open alerts of these rules in one query: a night can raise thousands of findings.
    open_alerts = {(a.rule, a.subject): a for a in session.scalars(
        select(Alert).where(Alert.status == "open", Alert.rule.in_(rules)))} if rules else {}
    for finding in findings:
        alert = open_alerts.get((finding.rule, finding.subject))
        if alert is None:
            alert = Alert(rule=finding.rule, subject_kind=finding.subject_kind, subject=finding.subject,
                          level=finding.level, status="open", title=finding.title, evidence=finding.evidence,
                          raised_on=day, updated_on=day)
            session.add(alert)
            open_alerts[(finding.rule, finding.subject)] = alert
            counts["opened"] += 1
        else:
            alert.level, alert.title, alert.evidence = finding.level, finding.title, finding.evidence
            alert.updated_on = max(alert.updated_on, day)
            counts["updated"] += 1
    session.flush()
    return counts


def serious_violations(session: Session, day: date, config: dict[str, Any]) -> list[Finding]:
    stmt = (
        select(Ad.id, Ad.content_hash, Ad.category, Ad.risk, Ad.articles, Ad.text, func.count(Sighting.id))
        .join(Sighting, Sighting.ad_id == Ad.id)
        .where(Sighting.seen_on == day, Ad.violation.is_(True))
        .where((Ad.category.in_(config["categories"])) | (Ad.risk >= config["min_risk"]))
        .group_by(Ad.id)  # the primary key: PostgreSQL allows the other ad columns
    )
    return [
        Finding("serious_violation", "ad", content_hash, config["level"],
                f"严重违法广告（{category or '未分类'}，风险 {risk:.2f}）：{text[:24]}…",
                {"ad_ids": [ad_id], "category": category, "risk": risk, "articles": articles,
                 "sightings": sightings, "excerpt": text[:80]})
        for ad_id, content_hash, category, risk, articles, text, sightings in session.execute(stmt)
    ]


def sector_rates(session: Session, day: date, config: dict[str, Any]) -> list[Finding]:
    frame = sightings_frame(session, day, day)
    findings = []
    for category, part in frame.groupby(frame["category"].fillna("未知")):
        rate = part["violation"].mean()
        if len(part) >= config["min_ads"] and rate > config["threshold"]:
            findings.append(Finding("sector_rate", "category", str(category), config["level"],
                                    f"{category}行业涉嫌违法率 {rate:.0%} 超过阈值 {config['threshold']:.0%}",
                                    {"rate": round(float(rate), 4), "ads": len(part), "date": day.isoformat(),
                                     "ad_ids": sorted(set(part.loc[part["violation"], "ad_id"].astype(int)))[:50]}))
    return findings


def sector_spikes(session: Session, day: date, config: dict[str, Any]) -> list[Finding]:
    today = sightings_frame(session, day, day)
    baseline = sightings_frame(session, day - timedelta(days=config["baseline_days"]), day - timedelta(days=1))
    findings = []
    for category, part in today.groupby(today["category"].fillna("未知")):
        history = baseline[baseline["category"].fillna("未知") == category]
        if len(part) < config["min_ads"] or len(history) < config["min_ads"]:
            continue
        rate, base = float(part["violation"].mean()), float(history["violation"].mean())
        if rate >= base * config["factor"] and rate - base >= config["min_increase"]:
            findings.append(Finding("sector_spike", "category", str(category), config["level"],
                                    f"{category}行业违法率突增：{rate:.0%}"
                                    f"（近{config['baseline_days']}日基线 {base:.0%}）",
                                    {"rate": round(rate, 4), "baseline": round(base, 4), "ads": len(part),
                                     "date": day.isoformat()}))
    return findings


def repeat_violators(session: Session, day: date, config: dict[str, Any]) -> list[Finding]:
    since, end = period_bounds(Period("window", "", day - timedelta(days=config["window_days"] - 1), day))
    stmt = (
        select(Advertiser.name, func.count(func.distinct(Review.ad_id)))
        .join(Ad, Ad.advertiser_id == Advertiser.id).join(Review, Review.ad_id == Ad.id)
        .where(Review.decision == "confirmed", Review.decided_at >= since, Review.decided_at < end)
        .group_by(Advertiser.name)
    )
    return [
        Finding("repeat_violator", "advertiser", name, config["level"],
                f"重复违法广告主：{name}（{config['window_days']}日内确认违法 {count} 条）",
                {"confirmed_ads": count, "window_days": config["window_days"]})
        for name, count in session.execute(stmt) if count >= config["min_confirmed"]
    ]


def citizen_surges(session: Session, day: date, config: dict[str, Any]) -> list[Finding]:
    since, end = period_bounds(Period("window", "", day - timedelta(days=config["window_days"] - 1), day))
    stmt = (
        select(CitizenReport.advertiser, func.count())
        .where(CitizenReport.advertiser.is_not(None), CitizenReport.reported_at >= since,
               CitizenReport.reported_at < end)
        .group_by(CitizenReport.advertiser)
    )
    return [
        Finding("citizen_surge", "advertiser", name, config["level"],
                f"群众举报集中：{name}（{config['window_days']}日内 {count} 件）", {"reports": count})
        for name, count in session.execute(stmt) if count >= config["min_reports"]
    ]
