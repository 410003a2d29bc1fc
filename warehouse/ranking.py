"""Ranking high-risk sectors and advertisers for the dashboard and the monthly report.

Sector score, over a period::

    violation_rate × (1 + ln(1 + suspected sightings)) × weight
    weight = 1.5 for the serious sectors (医疗服务, 药品, 医疗器械, 保健食品, 金融投资), else 1

— a high rate counts, but a sector with many violations outranks one with a single bad ad.

Advertiser score, over a period and the 90 days before its end::

    Σ over its suspected ads seen in the period: risk × (1 + ln(sightings))
    + 2 × ads confirmed by review in the 90 days
    + 1 × citizen reports naming it in the 90 days
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warehouse.indicators import SERIOUS_CATEGORIES, Period, period_bounds, sightings_frame
from warehouse.schema import Ad, Advertiser, CitizenReport, Review, Sighting

SERIOUS_WEIGHT = 1.5
CONFIRMED_WEIGHT = 2.0
REPORT_WEIGHT = 1.0
WINDOW_DAYS = 90


def rank_sectors(session: Session, period: Period, limit: int = 10) -> list[dict[str, Any]]:
    frame = sightings_frame(session, period.start, period.end)
    ranked = []
    for category, part in frame.groupby(frame["category"].fillna("未知")):
        suspected = int(part["violation"].sum())
        if not suspected:
            continue
        rate = suspected / len(part)
        weight = SERIOUS_WEIGHT if category in SERIOUS_CATEGORIES else 1.0
        ranked.append({"name": str(category), "total": len(part), "suspected": suspected, "rate": round(rate, 4),
                       "score": round(rate * (1 + math.log1p(suspected)) * weight, 3)})
    return sorted(ranked, key=lambda r: (-r["score"], r["name"]))[:limit]


def rank_advertisers(session: Session, period: Period, limit: int = 10) -> list[dict[str, Any]]:
    sightings = (
        select(Ad.advertiser_id, Ad.id, Ad.risk, func.count(Sighting.id).label("seen"))
        .join(Sighting, Sighting.ad_id == Ad.id)
        .where(Ad.violation.is_(True), Ad.advertiser_id.is_not(None),
               Sighting.seen_on >= period.start, Sighting.seen_on <= period.end)
        .group_by(Ad.advertiser_id, Ad.id, Ad.risk)
    )
    scores: dict[int, dict[str, Any]] = {}
    for advertiser_id, _ad_id, risk, seen in session.execute(sightings):
        entry = scores.setdefault(advertiser_id, {"ads": 0, "sightings": 0, "max_risk": 0.0, "score": 0.0,
                                                  "confirmed": 0, "reports": 0})
        entry["ads"] += 1
        entry["sightings"] += seen
        entry["max_risk"] = max(entry["max_risk"], risk)
        entry["score"] += risk * (1 + math.log(seen))
    start, end = period_bounds(Period("window", "", period.end - timedelta(days=WINDOW_DAYS - 1), period.end))
    confirmed = (
        select(Ad.advertiser_id, func.count(func.distinct(Review.ad_id)))
        .join(Review, Review.ad_id == Ad.id)
        .where(Review.decision == "confirmed", Review.decided_at >= start, Review.decided_at < end,
               Ad.advertiser_id.in_(list(scores)))
        .group_by(Ad.advertiser_id)
    )
    for advertiser_id, count in session.execute(confirmed):
        scores[advertiser_id]["confirmed"] = count
        scores[advertiser_id]["score"] += CONFIRMED_WEIGHT * count
    names = dict(session.execute(select(Advertiser.id, Advertiser.name).where(Advertiser.id.in_(list(scores)))).all())
    reports = (
        select(CitizenReport.advertiser, func.count())
        .where(CitizenReport.advertiser.in_(list(names.values())), CitizenReport.reported_at >= start,
               CitizenReport.reported_at < end)
        .group_by(CitizenReport.advertiser)
    )
    by_name = {name: advertiser_id for advertiser_id, name in names.items()}
    for name, count in session.execute(reports):
        scores[by_name[name]]["reports"] = count
        scores[by_name[name]]["score"] += REPORT_WEIGHT * count
    ranked = [{"name": names[a], **{k: round(v, 3) if isinstance(v, float) else v for k, v in s.items()}}
              for a, s in scores.items()]
    return sorted(ranked, key=lambda r: (-r["score"], r["name"]))[:limit]
