"""Small hand-built warehouse contents for tests: every number below is easy to count by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from admon.settings import TIMEZONE
from warehouse.schema import Ad, Advertiser, Case, CitizenReport, Review, Sighting


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TIMEZONE)


def add_ad(session, key: str, *, category: str, violation: bool, risk: float, advertiser: Advertiser | None = None,
           public_service: bool = False, first_seen: date) -> Ad:
    ad = Ad(content_hash=key.ljust(40, "0")[:40], text=f"广告{key}", category=category, violation=violation,
            risk=risk, articles=["9-abs"] if violation else [], public_service=public_service,
            advertiser=advertiser, first_seen=first_seen, last_seen=first_seen)
    session.add(ad)
    session.flush()
    return ad


def add_sighting(session, ad: Ad, day: date, *, channel: str, district: str | None = None, n: int = 0) -> None:
    session.add(Sighting(item_id=f"{ad.content_hash[:30]}{channel}{n}", seen_on=day, ad_id=ad.id, source_kind=channel,
                         district=district, fetched_at=at(day)))


def build_month(session, day: date) -> dict[str, Advertiser]:
    """Day ``day``: 10 sightings. Web: 6 (3 suspected); outdoor: 4 (1 suspected, 1 public service).

    - A1 医疗服务 violation risk .95 by 康华 — 2 web sightings (serious)
    - A2 化妆品 violation risk .70 by 美颜 — 1 web sighting
    - A3 食品饮料 clean risk .10 — 3 web sightings
    - A4 金融投资 violation risk .80 by 鑫鼎 — 1 outdoor sighting (serious: sector)
    - A5 公益 clean, public service — 1 outdoor sighting
    - A6 房地产 clean — 2 outdoor sightings
    The day before: 5 sightings of A3 and 5 of A2 by 美颜 (rate .5). 美颜 flagged before → not new.
    """
    kanghua, meiyan, xinding = (Advertiser(name=n, first_seen=day) for n in ("康华医院", "美颜堂", "鑫鼎理财"))
    session.add_all([kanghua, meiyan, xinding])
    before = day - timedelta(days=1)
    a1 = add_ad(session, "a1", category="医疗服务", violation=True, risk=0.95, advertiser=kanghua, first_seen=day)
    a2 = add_ad(session, "a2", category="化妆品", violation=True, risk=0.70, advertiser=meiyan, first_seen=before)
    a3 = add_ad(session, "a3", category="食品饮料", violation=False, risk=0.10, first_seen=before)
    a4 = add_ad(session, "a4", category="金融投资", violation=True, risk=0.80, advertiser=xinding, first_seen=day)
    a5 = add_ad(session, "a5", category="公益", violation=False, risk=0.01, public_service=True, first_seen=day)
    a6 = add_ad(session, "a6", category="房地产", violation=False, risk=0.20, first_seen=day)
    for n in range(2):
        add_sighting(session, a1, day, channel="web", district="张店区", n=n)
    add_sighting(session, a2, day, channel="web", district="张店区")
    for n in range(3):
        add_sighting(session, a3, day, channel="web", district="淄川区", n=n)
    add_sighting(session, a4, day, channel="outdoor", district="淄川区")
    add_sighting(session, a5, day, channel="outdoor", district="淄川区")
    for n in range(2):
        add_sighting(session, a6, day, channel="outdoor", district="淄川区", n=n)
    for n in range(5):
        add_sighting(session, a3, before, channel="web", n=10 + n)
        add_sighting(session, a2, before, channel="web", n=10 + n)
    # Reviews on the day: 3 decided, 2 confirmed (A1 and A2), 1 dismissed (A4).
    session.add_all([
        Review(ad_id=a1.id, reviewer="监测员甲", decision="confirmed", articles=["16"], decided_at=at(day, 11)),
        Review(ad_id=a2.id, reviewer="监测员甲", decision="confirmed", articles=["17"], decided_at=at(day, 12)),
        Review(ad_id=a4.id, reviewer="监测员乙", decision="dismissed", reason="已备案", decided_at=at(day, 13)),
    ])
    # Cases closed on the day: one after 3 days (timely), one after 9 days (late).
    session.add_all([
        Case(ad_id=a1.id, district="张店区", status="closed", outcome="penalised",
             opened_at=at(day - timedelta(days=3)), closed_at=at(day, 10)),
        Case(ad_id=a2.id, district="张店区", status="closed", outcome="rectified",
             opened_at=at(day - timedelta(days=9)), closed_at=at(day, 10)),
    ])
    session.add_all([CitizenReport(tracking_code=f"T{n}", text="举报", advertiser="鑫鼎理财",
                                   reported_at=at(day, 9 + n)) for n in range(3)])
    session.flush()
    return {"康华医院": kanghua, "美颜堂": meiyan, "鑫鼎理财": xinding}
