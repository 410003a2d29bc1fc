from datetime import date

import pytest
from sqlalchemy import func, select

from tests.warehouse.factories import build_month
from warehouse.indicators import KEYS, Period, compute, compute_and_store
from warehouse.schema import IndicatorValue

DAY = date(2026, 11, 24)


def values(rows, slice_kind="all", slice_value="全部"):
    return {r["key"]: r["value"] for r in rows if r["slice_kind"] == slice_kind and r["slice_value"] == slice_value}


def test_all_sixteen_indicators_by_hand(session):
    build_month(session, DAY)
    rows = compute(session, Period.day(DAY))
    v = values(rows)
    assert set(KEYS) == {r["key"] for r in rows}
    assert v["ads_total"] == 10
    assert v["suspected_total"] == 4  # A1 ×2, A2, A4
    assert v["violation_rate"] == 0.4
    assert v["serious_total"] == 3  # A1 ×2 (医疗服务), A4 (金融投资)
    assert v["serious_rate"] == 0.3
    assert v["advertisers_flagged"] == 3
    assert v["repeat_violators"] == 0  # 康华 1 confirmed, 美颜 1 confirmed
    assert v["new_violators"] == 2  # 康华, 鑫鼎; 美颜 was flagged the day before
    assert v["mom_change"] == pytest.approx((0.4 - 0.5) / 0.5)
    assert v["public_service_share"] == 0.1
    assert v["citizen_reports"] == 3
    assert v["review_confirm_rate"] == pytest.approx(0.6667, abs=1e-4)
    assert v["timely_rate"] == 0.5
    assert v["avg_handling_days"] == 6.0


def test_slices_by_channel_category_and_district(session):
    build_month(session, DAY)
    rows = compute(session, Period.day(DAY))
    web, outdoor = values(rows, "channel", "web"), values(rows, "channel", "outdoor")
    assert (web["ads_total"], web["suspected_total"], web["rate_by_channel"]) == (6, 3, 0.5)
    assert (outdoor["ads_total"], outdoor["suspected_total"], outdoor["rate_by_channel"]) == (4, 1, 0.25)
    assert values(rows, "category", "医疗服务")["rate_by_category"] == 1.0
    assert values(rows, "category", "食品饮料")["rate_by_category"] == 0.0
    assert values(rows, "district", "淄川区")["ads_total"] == 7
    assert values(rows)["rate_by_channel"] == 0.5 and values(rows)["rate_by_category"] == 1.0


def test_month_covers_both_days_and_storing_twice_replaces(session):
    build_month(session, DAY)
    period = Period.month("2026-11")
    rows = compute_and_store(session, period)
    assert values(rows)["ads_total"] == 20
    assert values(rows)["suspected_total"] == 9
    stored = select(func.count()).select_from(IndicatorValue).where(IndicatorValue.period == "2026-11")
    count = session.scalar(stored)
    compute_and_store(session, period)
    assert session.scalar(stored) == count == len(rows)
