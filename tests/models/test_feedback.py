from datetime import date

import pytest

from models.feedback import feedback_records, retrain_with_feedback
from tests.models.test_train import small_corpus  # noqa: F401 - shared fixture
from tests.warehouse.factories import at, build_month
from warehouse.schema import Review

DAY = date(2026, 11, 24)


def test_latest_decision_per_ad_becomes_a_labelled_record(session):
    build_month(session, DAY)
    # A4 was dismissed; A2 confirmed, then re-reviewed and confirmed under a corrected article.
    a2 = session.get(Review, 2).ad_id
    session.add(Review(ad_id=a2, reviewer="科长", decision="confirmed", articles=["17", "28"], category="化妆品",
                       decided_at=at(DAY, 18)))
    session.flush()
    records = {r["text"]: r for r in feedback_records(session)}
    assert records["广告a2"] == {"text": "广告a2", "category": "化妆品", "violation": True, "articles": ["17", "28"],
                                 "tags": ["feedback"]}
    assert records["广告a1"]["violation"] and records["广告a1"]["articles"] == ["16"]
    assert records["广告a4"]["violation"] is False and records["广告a4"]["articles"] == []


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_worse_candidate_is_not_promoted_unless_forced(session, small_corpus, monkeypatch, tmp_path):  # noqa: F811
    monkeypatch.setenv("ADMON_DATA_DIR", str(tmp_path))
    build_month(session, DAY)
    result = retrain_with_feedback(session, corpus=small_corpus)
    assert result.feedback_records == 3
    assert not result.promoted and result.candidate != result.current
    assert result.candidate_metrics["violation"]["f1"] <= result.current_metrics["violation"]["f1"]
    assert not (tmp_path / "models" / "current.json").exists()
    forced = retrain_with_feedback(session, corpus=small_corpus, always_promote=True)
    assert forced.promoted and (tmp_path / "models" / forced.candidate / "meta.json").exists()
    from models.classifier import load_classifier

    assert load_classifier().version == forced.candidate
    load_classifier.cache_clear()
