"""The 16 monitoring indicators (design §6), per day or month and per slice, stored as rows.

Definitions (the one place they are written down; ``docs/indicators.md`` repeats them for
readers). "Seen" means a sighting (one ad at one place on one monitoring date) in the period.

| # | key | value | numerator / denominator |
|---|-----|-------|-------------------------|
| 1 | ads_total | sightings seen | — |
| 2 | suspected_total | sightings of ads whose current verdict is a violation | — |
| 3 | violation_rate | 2 / 1 | suspected / total |
| 4 | serious_total | suspected sightings in a serious sector (``SERIOUS_CATEGORIES``) or with risk ≥ 0.9 | — |
| 5 | serious_rate | 4 / 1 | serious / total |
| 6 | rate_by_channel | 3 for each channel (slice ``channel``); overall: the highest channel's | suspected / total |
| 7 | rate_by_category | 3 for each category (slice ``category``); overall: the highest sector's | suspected / total |
| 8 | advertisers_flagged | distinct advertisers of suspected sightings | — |
| 9 | repeat_violators | advertisers with ≥ 2 distinct ads confirmed by review in the 90 days to the period's end | — |
| 10 | new_violators | advertisers flagged in the period and never flagged before it | — |
| 11 | mom_change | relative change of 3 against the previous period: (cur − prev) / prev | cur / prev |
| 12 | public_service_share | sightings of 公益 ads / 1 | public service / total |
| 13 | citizen_reports | citizen reports received in the period | — |
| 14 | review_confirm_rate | confirmed / decided reviews in the period | confirmed / decided |
| 15 | timely_rate | cases closed within the limit (default 7 days) / cases closed in the period | timely / closed |
| 16 | avg_handling_days | mean days from opening to closing of cases closed in the period | total days / closed |

Indicators 1–5, 8 and 12 are also stored per slice: channel, category, district, platform.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from admon.settings import TIMEZONE, aware
from warehouse.schema import Ad, Case, CitizenReport, IndicatorValue, Review, Sighting

KEYS = (
    "ads_total", "suspected_total", "violation_rate", "serious_total", "serious_rate", "rate_by_channel",
    "rate_by_category", "advertisers_flagged", "repeat_violators", "new_violators", "mom_change",
    "public_service_share", "citizen_reports", "review_confirm_rate", "timely_rate", "avg_handling_days",
)
NAMES = dict(zip(KEYS, (
    "监测广告总量", "涉嫌违法广告数", "涉嫌违法率", "严重违法广告数", "严重违法率", "分媒介违法率（最高）",
    "分行业违法率（最高）",
    "涉嫌违法广告主数", "重复违法广告主数", "新增违法广告主数", "违法率环比变化", "公益广告占比", "群众举报量",
    "人工复核确认率", "线索处置及时率", "平均处置时长",
), strict=True))
SERIOUS_CATEGORIES = ("医疗服务", "药品", "医疗器械", "保健食品", "金融投资")
SERIOUS_RISK = 0.9
SLICES = {"channel": "source_kind", "category": "category", "district": "district", "platform": "platform"}
TIMELY_DAYS = 7
REPEAT_WINDOW_DAYS = 90


@dataclass(frozen=True)
class Period:
    kind: str  # day | month
    label: str
    start: date
    end: date  # inclusive

    @classmethod
    def day(cls, day: date) -> Period:
        return cls("day", day.isoformat(), day, day)

    @classmethod
    def month(cls, month: str) -> Period:
        year, number = map(int, month.split("-"))
        last = calendar.monthrange(year, number)[1]
        return cls("month", f"{year:04d}-{number:02d}", date(year, number, 1), date(year, number, last))

    def previous(self) -> Period:
        if self.kind == "day":
            return Period.day(self.start - timedelta(days=1))
        before = self.start - timedelta(days=1)
        return Period.month(f"{before.year:04d}-{before.month:02d}")


def sightings_frame(session: Session, start: date, end: date) -> pd.DataFrame:
    """Sightings in ``[start, end]`` joined with their ad's current verdict."""
    stmt = (
        select(Sighting.seen_on, Sighting.source_kind, Sighting.district, Sighting.platform, Ad.id.label("ad_id"),
               Ad.category, Ad.violation, Ad.risk, Ad.public_service, Ad.advertiser_id)
        .join(Ad, Ad.id == Sighting.ad_id)
        .where(Sighting.seen_on >= start, Sighting.seen_on <= end)
    )
    rows = session.execute(stmt).all()
    columns = ["seen_on", "source_kind", "district", "platform", "ad_id", "category", "violation", "risk",
               "public_service", "advertiser_id"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["violation"] = frame["violation"].astype(bool)
    frame["public_service"] = frame["public_service"].astype(bool)
    serious_sector = frame["category"].isin(SERIOUS_CATEGORIES)
    frame["serious"] = frame["violation"] & (serious_sector | (frame["risk"] >= SERIOUS_RISK))
    return frame


def compute(session: Session, period: Period, *, timely_days: int = TIMELY_DAYS) -> list[dict[str, Any]]:
    """All 16 indicators for ``period`` as rows (not yet stored)."""
    frame = sightings_frame(session, period.start, period.end)
    rows: list[dict[str, Any]] = []

    def add(key: str, value: float | None, slice_kind: str = "all", slice_value: str = "全部",
            numerator: float | None = None, denominator: float | None = None) -> None:
        rows.append({"period_kind": period.kind, "period": period.label, "key": key, "slice_kind": slice_kind,
                     "slice_value": slice_value, "value": value, "numerator": numerator, "denominator": denominator})

    def volume(part: pd.DataFrame, slice_kind: str, slice_value: str) -> None:
        total, suspected = len(part), int(part["violation"].sum())
        serious, public = int(part["serious"].sum()), int(part["public_service"].sum())
        add("ads_total", total, slice_kind, slice_value)
        add("suspected_total", suspected, slice_kind, slice_value)
        add("violation_rate", _ratio(suspected, total), slice_kind, slice_value, suspected, total)
        add("serious_total", serious, slice_kind, slice_value)
        add("serious_rate", _ratio(serious, total), slice_kind, slice_value, serious, total)
        flagged = part.loc[part["violation"], "advertiser_id"].dropna().nunique()
        add("advertisers_flagged", int(flagged), slice_kind, slice_value)
        add("public_service_share", _ratio(public, total), slice_kind, slice_value, public, total)

    volume(frame, "all", "全部")
    for slice_kind, column in SLICES.items():
        worst: tuple[float, int, int] | None = None
        for value, part in frame.groupby(frame[column].fillna("未知")):
            volume(part, slice_kind, str(value))
            if slice_kind in ("channel", "category"):
                suspected = int(part["violation"].sum())
                rate = _ratio(suspected, len(part))
                add(f"rate_by_{slice_kind}", rate, slice_kind, str(value), suspected, len(part))
                if rate is not None and (worst is None or rate > worst[0]):
                    worst = (rate, suspected, len(part))
        if slice_kind in ("channel", "category"):
            # Overall, 6 and 7 report the worst slice: the channel or sector most at fault.
            add(f"rate_by_{slice_kind}", *((worst[0], "all", "全部", worst[1], worst[2]) if worst else (None,)))

    add("repeat_violators", repeat_violators(session, period.end))
    add("new_violators", new_violators(session, frame, period.start))
    before = period.previous()
    previous = sightings_frame(session, before.start, before.end)
    current_rate = _ratio(int(frame["violation"].sum()), len(frame))
    previous_rate = _ratio(int(previous["violation"].sum()), len(previous))
    change = (current_rate - previous_rate) / previous_rate if current_rate is not None and previous_rate else None
    add("mom_change", _round(change), numerator=current_rate, denominator=previous_rate)
    add("citizen_reports", citizen_reports(session, period))
    confirmed, decided = review_counts(session, period)
    add("review_confirm_rate", _ratio(confirmed, decided), numerator=confirmed, denominator=decided)
    timely, closed, total_days = case_handling(session, period, timely_days)
    add("timely_rate", _ratio(timely, closed), numerator=timely, denominator=closed)
    add("avg_handling_days", _round(total_days / closed) if closed else None, numerator=_round(total_days),
        denominator=closed)
    return rows


def store(session: Session, period: Period, rows: list[dict[str, Any]]) -> int:
    """Replace the period's stored indicator rows with ``rows`` (idempotent)."""
    session.execute(delete(IndicatorValue).where(IndicatorValue.period_kind == period.kind,
                                                 IndicatorValue.period == period.label))
    now = datetime.now(TIMEZONE)
    session.add_all(IndicatorValue(**row, computed_at=now) for row in rows)
    session.flush()
    return len(rows)


def compute_and_store(session: Session, period: Period, *, timely_days: int = TIMELY_DAYS) -> list[dict[str, Any]]:
    rows = compute(session, period, timely_days=timely_days)
    store(session, period, rows)
    return rows


def repeat_violators(session: Session, until: date) -> int:
    since, end = period_bounds(Period("window", "", until - timedelta(days=REPEAT_WINDOW_DAYS - 1), until))
    confirmed = (
        select(Ad.advertiser_id, func.count(func.distinct(Review.ad_id)).label("ads"))
        .join(Ad, Ad.id == Review.ad_id)
        .where(Review.decision == "confirmed", Ad.advertiser_id.is_not(None),
               Review.decided_at >= since, Review.decided_at < end)
        .group_by(Ad.advertiser_id)
    ).subquery()
    return int(session.scalar(select(func.count()).select_from(confirmed).where(confirmed.c.ads >= 2)) or 0)


def new_violators(session: Session, frame: pd.DataFrame, start: date) -> int:
    flagged = set(frame.loc[frame["violation"], "advertiser_id"].dropna().astype(int))
    if not flagged:
        return 0
    before = session.scalars(
        select(Ad.advertiser_id).distinct().join(Sighting, Sighting.ad_id == Ad.id)
        .where(Ad.violation.is_(True), Sighting.seen_on < start, Ad.advertiser_id.in_(flagged))
    ).all()
    return len(flagged - set(before))


def citizen_reports(session: Session, period: Period) -> int:
    start, end = period_bounds(period)
    stmt = select(func.count()).select_from(CitizenReport).where(
        CitizenReport.reported_at >= start, CitizenReport.reported_at < end)
    return int(session.scalar(stmt) or 0)


def review_counts(session: Session, period: Period) -> tuple[int, int]:
    start, end = period_bounds(period)
    stmt = select(Review.decision).where(Review.decided_at >= start, Review.decided_at < end)
    decisions = session.scalars(stmt).all()
    return sum(d == "confirmed" for d in decisions), len(decisions)


def case_handling(session: Session, period: Period, timely_days: int) -> tuple[int, int, float]:
    start, end = period_bounds(period)
    cases = session.execute(
        select(Case.opened_at, Case.closed_at).where(Case.closed_at.is_not(None), Case.closed_at >= start,
                                                    Case.closed_at < end)
    ).all()
    durations = [(aware(closed) - aware(opened)).total_seconds() / 86400 for opened, closed in cases]
    return sum(d <= timely_days for d in durations), len(durations), sum(durations)


def period_bounds(period: Period) -> tuple[datetime, datetime]:
    start = datetime.combine(period.start, datetime.min.time(), TIMEZONE)
    end = datetime.combine(period.end + timedelta(days=1), datetime.min.time(), TIMEZONE)
    return start, end


def _ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _round(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None
