"""Three months of plausible history for the demo, grown from tonight's real crawl.

A regulator opening the demo should see trends, not a single night: indicators per day and
month, repeat violators, cases in every state, citizen reports and alerts. Every past day
re-sights a seeded random share of tonight's ads, with

- a slow improvement: violating ads were seen more often three months ago than now;
- a spike: health-food (保健食品) violations were rare until the last few days, so tonight's
  rate stands far above its 30-day baseline and the sector-spike alert fires;
- reviews of flagged ads a day or two after they appear, cases dispatched for confirmed
  serious ones and closed 2–12 days later (some still open), and citizen reports, with a
  surge about one advertiser in the last week.

The history is written once: a warehouse that already has sightings before tonight is left
as it is, so re-running the demo is idempotent.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from admon.settings import TIMEZONE
from warehouse.schema import Ad, Advertiser, Case, CaseEvent, CitizenReport, Review, Sighting
from warehouse.upsert import upsert

DAYS = 92
SEED = 20260401
SPIKE_SECTOR = "保健食品"
SPIKE_DAYS = 4
REVIEWERS = ("监测员 张敏", "监测员 李强", "监测员 王芳")
HANDLERS = {"张店区": "张店区市场监管局", "淄川区": "淄川区市场监管局", "博山区": "博山区市场监管局",
            "临淄区": "临淄区市场监管局", "周村区": "周村区市场监管局"}
SERIOUS = ("医疗服务", "药品", "医疗器械", "保健食品", "金融投资")


def has_history(session: Session, run_date: date) -> bool:
    return bool(session.scalar(select(func.count()).select_from(Sighting).where(Sighting.seen_on < run_date)))


def backfill(session: Session, run_date: date, *, days: int = DAYS, seed: int = SEED) -> dict[str, int]:
    """Write ``days`` days of history before ``run_date``; returns row counts added."""
    if has_history(session, run_date):
        return {"skipped": 1}
    rnd = random.Random(seed)
    tonight = session.execute(select(Sighting, Ad).join(Ad, Ad.id == Sighting.ad_id)
                              .where(Sighting.seen_on == run_date)).all()
    counts = {"sightings": 0, "reviews": 0, "cases": 0, "citizen_reports": 0}
    first_seen: dict[int, date] = {}
    seen_days: dict[int, list[date]] = {}
    sightings = []
    for offset in range(days, 0, -1):
        day = run_date - timedelta(days=offset)
        for sighting, ad in tonight:
            if rnd.random() < _presence(ad, offset, days):
                sightings.append(_copy(sighting, day))
                first_seen.setdefault(ad.id, day)
                seen_days.setdefault(ad.id, []).append(day)
    upsert(session, Sighting, sightings, keys=["item_id", "seen_on"])
    counts["sightings"] = len(sightings)
    for ad_id, day in first_seen.items():
        ad = session.get(Ad, ad_id)
        ad.first_seen = min(ad.first_seen, day)
        if ad.advertiser is not None:
            ad.advertiser.first_seen = min(ad.advertiser.first_seen, day)
    ads = {ad.id: ad for _, ad in tonight}
    for ad_id, _first in sorted(first_seen.items(), key=lambda kv: (kv[1], kv[0])):
        ad = ads[ad_id]
        if not ad.violation or rnd.random() > 0.6:
            continue
        counts["reviews"] += 1
        # Reviewed on one of the days it was seen: review work spreads over the months.
        reviewed_on = rnd.choice(seen_days[ad_id])
        decided = _at(min(reviewed_on + timedelta(days=rnd.choice((0, 1, 1, 2))), run_date - timedelta(days=1)), rnd)
        confirmed = rnd.random() < 0.85
        session.add(Review(ad_id=ad_id, reviewer=rnd.choice(REVIEWERS), decided_at=decided,
                           decision="confirmed" if confirmed else "dismissed", articles=list(ad.articles),
                           reason=None if confirmed else "经核实已取得广告审查批准文号"))
        if confirmed and ad.category in SERIOUS and decided.date() < run_date - timedelta(days=1):
            counts["cases"] += _case(session, ad, decided, run_date, rnd)
    counts["citizen_reports"] = _citizen_reports(session, run_date, days, rnd)
    session.flush()
    return counts


def _presence(ad: Ad, offset: int, days: int) -> float:
    """Chance that an ad seen tonight was also seen ``offset`` days earlier."""
    base = 0.35
    if ad.violation:
        base *= 1.0 + 0.6 * offset / days  # violations were commoner months ago
        if ad.category == SPIKE_SECTOR and offset > SPIKE_DAYS:
            base *= 0.1  # … except health food, whose violations surged only now
    return min(base, 0.95)


def _copy(sighting: Sighting, day: date) -> dict[str, Any]:
    fetched = sighting.fetched_at
    moment = datetime.combine(day, (fetched.timetz() if fetched else time(20, 0, tzinfo=TIMEZONE)))
    return {"item_id": sighting.item_id, "seen_on": day, "ad_id": sighting.ad_id, "target_id": sighting.target_id,
            "capture_id": sighting.capture_id, "source_kind": sighting.source_kind, "source": sighting.source,
            "url": sighting.url, "landing_url": sighting.landing_url, "platform": sighting.platform,
            "merchant": sighting.merchant, "district": sighting.district, "price": sighting.price,
            "labelled_as_ad": sighting.labelled_as_ad, "fetched_at": moment.replace(tzinfo=moment.tzinfo or TIMEZONE)}


def _case(session: Session, ad: Ad, decided: datetime, run_date: date, rnd: random.Random) -> int:
    district = rnd.choice(list(HANDLERS))
    opened = decided + timedelta(hours=rnd.randint(2, 30))
    case = Case(ad_id=ad.id, district=district, status="dispatched", opened_at=opened,
                due_on=(opened + timedelta(days=7)).date())
    session.add(case)
    session.flush()
    session.add(CaseEvent(case_id=case.id, kind="dispatch", actor="执法人员 赵刚", at=opened,
                          note=f"转{HANDLERS[district]}核查处置"))
    closed = opened + timedelta(days=rnd.randint(2, 12), hours=rnd.randint(0, 8))
    if closed.date() < run_date and rnd.random() < 0.85:
        outcome = rnd.choice(("rectified", "rectified", "penalised", "not_established"))
        notes = {"rectified": "当事人已删除违法广告并整改", "penalised": "立案调查，已作出行政处罚",
                 "not_established": "经查不构成违法"}
        session.add(CaseEvent(case_id=case.id, kind="feedback", actor=HANDLERS[district],
                              at=closed - timedelta(hours=3), note=notes[outcome]))
        session.add(CaseEvent(case_id=case.id, kind="close", actor="执法人员 赵刚", at=closed, note="结案"))
        case.status, case.outcome, case.closed_at = "closed", outcome, closed
    return 1


def _citizen_reports(session: Session, run_date: date, days: int, rnd: random.Random) -> int:
    names = session.scalars(select(Advertiser.name).order_by(Advertiser.name)).all()
    if not names:
        return 0
    reports = [(run_date - timedelta(days=rnd.randint(1, days)), rnd.choice(names)) for _ in range(days // 4)]
    surge = names[rnd.randrange(len(names))]
    reports += [(run_date - timedelta(days=d), surge) for d in (0, 1, 3, 5)]
    for number, (day, name) in enumerate(sorted(reports), start=1):
        session.add(CitizenReport(tracking_code=f"ZB{day:%y%m%d}{number:04d}", advertiser=name,
                                  text=f"群众反映：{name}的广告涉嫌夸大宣传", district=rnd.choice(list(HANDLERS)),
                                  location="淄博市", status="received", reported_at=_at(day, rnd)))
    return len(reports)


def _at(day: date, rnd: random.Random) -> datetime:
    return datetime.combine(day, time(rnd.randint(8, 17), rnd.randint(0, 59)), TIMEZONE)
