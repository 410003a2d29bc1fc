"""The human side of monitoring: the review queue, decisions, the 双随机 sample and the case loop.

Plain functions over a session; the web app calls them, tests call them directly. Every
change writes an audit entry.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from admon.settings import TIMEZONE
from rules.loader import ARTICLES, CATEGORIES
from warehouse.schema import Ad, Alert, Assignment, AuditEntry, Case, CaseEvent, Review, Sighting

DECISIONS = ("confirmed", "dismissed")
OUTCOMES = {"rectified": "已整改", "penalised": "已立案处罚", "not_established": "不成立"}
CASE_STATES = {"dispatched": "已派发", "feedback": "已反馈", "closed": "已办结"}


class ReviewError(ValueError):
    """A decision or case step that is not allowed; the message says why (in Chinese, for the UI)."""


@dataclass(frozen=True)
class QueueFilters:
    status: str = "pending"  # pending | reviewed | all
    channel: str | None = None
    category: str | None = None
    article: str | None = None
    advertiser: str | None = None
    since: date | None = None
    until: date | None = None


def now() -> datetime:
    return datetime.now(TIMEZONE)


def audit(session: Session, actor: str, action: str, subject: str | None = None, *, ip: str | None = None,
          **detail: Any) -> None:
    session.add(AuditEntry(at=now(), actor=actor, action=action, subject=subject, detail=detail, ip=ip))


def queue(session: Session, filters: QueueFilters, *, limit: int = 200) -> list[dict[str, Any]]:
    """Flagged ads by descending risk, one per near-duplicate cluster, with their copies counted."""
    reviewed = select(Review.ad_id)
    stmt = select(Ad).where(Ad.violation.is_(True))
    if filters.status == "pending":
        stmt = stmt.where(Ad.id.not_in(reviewed))
    elif filters.status == "reviewed":
        stmt = stmt.where(Ad.id.in_(reviewed))
    if filters.category:
        stmt = stmt.where(Ad.category == filters.category)
    if filters.advertiser:
        stmt = stmt.where(Ad.advertiser.has(name=filters.advertiser))
    seen = select(Sighting.ad_id)
    if filters.channel:
        seen = seen.where(Sighting.source_kind == filters.channel)
    if filters.since:
        seen = seen.where(Sighting.seen_on >= filters.since)
    if filters.until:
        seen = seen.where(Sighting.seen_on <= filters.until)
    if filters.channel or filters.since or filters.until:
        stmt = stmt.where(Ad.id.in_(seen))
    ads = [ad for ad in session.scalars(stmt.order_by(Ad.risk.desc(), Ad.id)) if
           not filters.article or filters.article in (ad.articles or [])]
    clusters: dict[str, dict[str, Any]] = {}
    for ad in ads:
        key = ad.cluster_key or ad.content_hash
        entry = clusters.setdefault(key, {"ad": ad, "copies": 0})
        entry["copies"] += 1
    rows = list(clusters.values())[:limit]
    counts = dict(session.execute(select(Sighting.ad_id, func.count()).where(
        Sighting.ad_id.in_([r["ad"].id for r in rows])).group_by(Sighting.ad_id)).all())
    for row in rows:
        row["sightings"] = counts.get(row["ad"].id, 0)
    return rows


def decide(session: Session, ad_id: int, *, reviewer: str, decision: str, reason: str | None = None,
           articles: list[str] | None = None, category: str | None = None, ip: str | None = None) -> Review:
    """Record a reviewer's decision; corrected articles and sector update the ad and feed retraining."""
    ad = session.get(Ad, ad_id)
    if ad is None:
        raise ReviewError("广告不存在")
    if decision not in DECISIONS:
        raise ReviewError("无效的审核结论")
    if decision == "dismissed" and not (reason or "").strip():
        raise ReviewError("排除违法须填写理由")
    articles = [a for a in (articles or []) if a]
    if any(a not in ARTICLES for a in articles) or (category and category not in CATEGORIES):
        raise ReviewError("条款或行业无效")
    if decision == "confirmed" and not articles:
        articles = list(ad.articles or [])
        if not articles:
            raise ReviewError("确认违法须选择违反的条款")
    review = Review(ad_id=ad_id, reviewer=reviewer, decision=decision, reason=(reason or "").strip() or None,
                    articles=articles if decision == "confirmed" else [], category=category or ad.category,
                    decided_at=now())
    session.add(review)
    if category:
        ad.category = category
    if decision == "confirmed":
        ad.articles = articles
    session.execute(Assignment.__table__.update().where(Assignment.ad_id == ad_id).values(done=True))
    audit(session, reviewer, f"review.{decision}", f"ad:{ad_id}", ip=ip, articles=articles, category=category,
          reason=reason)
    session.flush()
    return review


def draw_sample(session: Session, day: date, *, reviewers: list[str], share: float = 0.05,
                seed: int | None = None) -> list[Assignment]:
    """双随机: a random share of the day's unflagged ads, each to a reviewer drawn at random.

    Measures what the machine misses: a confirmed ad among these is a false negative.
    Drawing a day twice returns the same sample.
    """
    existing = session.scalars(select(Assignment).where(Assignment.assigned_on == day)).all()
    if existing:
        return list(existing)
    unflagged = session.scalars(
        select(Ad.id).distinct().join(Sighting, Sighting.ad_id == Ad.id)
        .where(Sighting.seen_on == day, Ad.violation.is_(False)).order_by(Ad.id)).all()
    if not unflagged or not reviewers:
        return []
    rnd = random.Random(seed if seed is not None else day.toordinal())
    chosen = rnd.sample(list(unflagged), max(1, round(len(unflagged) * share)))
    assignments = [Assignment(ad_id=ad_id, reviewer=rnd.choice(reviewers), assigned_on=day) for ad_id in chosen]
    session.add_all(assignments)
    audit(session, "system", "sample.draw", f"day:{day}", count=len(assignments))
    session.flush()
    return assignments


def dispatch(session: Session, *, actor: str, district: str, due_on: date, ad_id: int | None = None,
             alert_id: int | None = None, note: str | None = None, ip: str | None = None) -> Case:
    """Open a case for a confirmed ad (or an alert) and dispatch it to a district bureau."""
    if ad_id is not None:
        confirmed = session.scalar(select(Review).where(Review.ad_id == ad_id).order_by(Review.decided_at.desc(),
                                                                                        Review.id.desc()).limit(1))
        if confirmed is None or confirmed.decision != "confirmed":
            raise ReviewError("只有经审核确认违法的广告才能派发")
    elif alert_id is None or session.get(Alert, alert_id) is None:
        raise ReviewError("请指定广告或预警")
    if not district.strip():
        raise ReviewError("请选择承办单位")
    opened = now()
    if due_on < opened.date():
        raise ReviewError("办理期限不能早于今天")
    case = Case(ad_id=ad_id, alert_id=alert_id, district=district.strip(), status="dispatched", opened_at=opened,
                due_on=due_on)
    session.add(case)
    session.flush()
    session.add(CaseEvent(case_id=case.id, kind="dispatch", actor=actor, note=note, at=opened))
    audit(session, actor, "case.dispatch", f"case:{case.id}", ip=ip, ad_id=ad_id, alert_id=alert_id,
          district=district, due_on=due_on.isoformat())
    session.flush()
    return case


def feedback(session: Session, case_id: int, *, actor: str, outcome: str, note: str | None = None,
             attachment: str | None = None, ip: str | None = None) -> Case:
    """The handling bureau's feedback: rectified, penalised or not established."""
    case = _open_case(session, case_id)
    if outcome not in OUTCOMES:
        raise ReviewError("无效的处置结果")
    case.status, case.outcome = "feedback", outcome
    session.add(CaseEvent(case_id=case.id, kind="feedback", actor=actor, note=note, attachment=attachment, at=now()))
    audit(session, actor, "case.feedback", f"case:{case.id}", ip=ip, outcome=outcome, attachment=attachment)
    session.flush()
    return case


def close(session: Session, case_id: int, *, actor: str, note: str | None = None, ip: str | None = None) -> Case:
    case = _open_case(session, case_id)
    if case.status != "feedback":
        raise ReviewError("须先登记处置反馈才能办结")
    case.status, case.closed_at = "closed", now()
    session.add(CaseEvent(case_id=case.id, kind="close", actor=actor, note=note, at=case.closed_at))
    audit(session, actor, "case.close", f"case:{case.id}", ip=ip)
    session.flush()
    return case


def _open_case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise ReviewError("案件不存在")
    if case.status == "closed":
        raise ReviewError("案件已办结")
    return case
