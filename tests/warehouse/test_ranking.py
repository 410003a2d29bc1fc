import math
from datetime import date

import pytest

from tests.warehouse.factories import build_month
from warehouse.indicators import Period
from warehouse.ranking import rank_advertisers, rank_sectors

DAY = date(2026, 11, 24)


def test_sector_scores_follow_the_documented_formula(session):
    build_month(session, DAY)
    ranked = {r["name"]: r for r in rank_sectors(session, Period.day(DAY))}
    assert ranked["医疗服务"]["score"] == pytest.approx(1.0 * (1 + math.log1p(2)) * 1.5, abs=1e-3)
    assert ranked["化妆品"]["score"] == pytest.approx(1.0 * (1 + math.log1p(1)), abs=1e-3)
    assert "食品饮料" not in ranked  # nothing suspected
    assert list(ranked)[0] == "医疗服务"


def test_advertiser_scores_add_risk_reviews_and_citizen_reports(session):
    build_month(session, DAY)
    ranked = {r["name"]: r for r in rank_advertisers(session, Period.day(DAY))}
    kanghua, xinding = ranked["康华医院"], ranked["鑫鼎理财"]
    assert kanghua["score"] == pytest.approx(0.95 * (1 + math.log(2)) + 2 * 1, abs=1e-3)
    assert xinding["score"] == pytest.approx(0.80 * (1 + math.log(1)) + 3, abs=1e-3)
    assert (xinding["reports"], kanghua["confirmed"]) == (3, 1)
