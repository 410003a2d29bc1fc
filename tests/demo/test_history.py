from datetime import date

from sqlalchemy import func, select

from demo.history import backfill
from tests.warehouse.factories import build_month
from warehouse.schema import Ad, Case, CitizenReport, Review, Sighting

DAY = date(2026, 11, 24)


def count(session, model, *where):
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_history_is_written_before_tonight_and_only_once(session):
    build_month(session, DAY)
    # build_month already has sightings the day before: a warehouse with history is left alone.
    assert backfill(session, DAY) == {"skipped": 1}


def test_history_grows_from_tonights_ads(session):
    build_month(session, DAY)
    session.execute(Sighting.__table__.delete().where(Sighting.seen_on < DAY))
    session.execute(Review.__table__.delete())
    session.execute(Case.__table__.delete())
    tonight = count(session, Sighting, Sighting.seen_on == DAY)
    added = backfill(session, DAY, days=60)
    assert added["sightings"] == count(session, Sighting, Sighting.seen_on < DAY) > tonight
    assert count(session, Sighting, Sighting.seen_on > DAY) == 0
    reviewed = session.scalars(select(Ad).join(Review, Review.ad_id == Ad.id)).all()
    assert reviewed and all(ad.violation for ad in reviewed)
    for case in session.scalars(select(Case)):
        assert case.closed_at is None or case.closed_at > case.opened_at
    assert count(session, CitizenReport) == added["citizen_reports"] + 3
    assert backfill(session, DAY) == {"skipped": 1}
