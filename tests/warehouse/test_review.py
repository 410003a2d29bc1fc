from datetime import date, timedelta

import pytest
from sqlalchemy import select

from admon import settings
from tests.warehouse.factories import build_month
from warehouse import review
from warehouse.schema import Ad, Assignment

DAY = date(2026, 11, 24)


def test_random_sample_of_unflagged_ads_is_reproducible_and_idempotent(session):
    build_month(session, DAY)
    first = review.draw_sample(session, DAY, reviewers=["a", "b"], share=0.5)
    ads = {session.get(Ad, a.ad_id) for a in first}
    assert len(first) == 2 and all(not ad.violation for ad in ads)  # 3 unflagged ads that day → 2
    assert {a.reviewer for a in first} <= {"a", "b"}
    again = review.draw_sample(session, DAY, reviewers=["a", "b"], share=0.5)
    assert [a.id for a in again] == [a.id for a in first]


def test_queue_filters_and_pending_status(session):
    build_month(session, DAY)
    pending = review.queue(session, review.QueueFilters())
    assert pending == []  # A1, A2 and A4 were all reviewed
    everything = review.queue(session, review.QueueFilters(status="all"))
    assert [r["ad"].text for r in everything] == ["广告a1", "广告a4", "广告a2"]
    outdoor = review.queue(session, review.QueueFilters(status="all", channel="outdoor"))
    assert [r["ad"].text for r in outdoor] == ["广告a4"]
    assert review.queue(session, review.QueueFilters(status="all", advertiser="美颜堂"))[0]["ad"].text == "广告a2"


def test_case_steps_are_enforced(session):
    build_month(session, DAY)
    a3 = session.scalar(select(Ad).where(Ad.text == "广告a3"))
    with pytest.raises(review.ReviewError, match="只有经审核确认违法"):
        review.dispatch(session, actor="x", district="张店区", due_on=settings.today(), ad_id=a3.id)
    a1 = session.scalar(select(Ad).where(Ad.text == "广告a1"))
    with pytest.raises(review.ReviewError, match="办理期限"):
        review.dispatch(session, actor="x", district="张店区", due_on=settings.today() - timedelta(days=1), ad_id=a1.id)
    case = review.dispatch(session, actor="x", district="张店区", due_on=settings.today(), ad_id=a1.id)
    with pytest.raises(review.ReviewError, match="须先登记处置反馈"):
        review.close(session, case.id, actor="y")
    review.feedback(session, case.id, actor="y", outcome="penalised")
    review.close(session, case.id, actor="y")
    assert [e.kind for e in case.events] == ["dispatch", "feedback", "close"] and case.closed_at
    with pytest.raises(review.ReviewError, match="已办结"):
        review.feedback(session, case.id, actor="y", outcome="rectified")


def test_a_confirmed_sample_ad_closes_its_assignment(session):
    build_month(session, DAY)
    [assignment] = review.draw_sample(session, DAY, reviewers=["a"], share=0.2)
    review.decide(session, assignment.ad_id, reviewer="a", decision="confirmed", articles=["28"])
    assert session.scalar(select(Assignment.done).where(Assignment.id == assignment.id))
