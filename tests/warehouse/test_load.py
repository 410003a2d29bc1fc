import json
from datetime import date

from sqlalchemy import func, select

from crawlers.clean import clean_items
from models.dedupe import group_items
from warehouse.load import load_night
from warehouse.schema import Ad, Advertiser, Base, Capture, Score, Sighting

NIGHT = date(2026, 11, 24)


def night(fixtures, scorer):
    raw = [json.loads(line) for line in (fixtures / "items" / "night.jsonl").read_text(encoding="utf-8").splitlines()]
    items, _ = clean_items(raw)
    tagged, representatives = group_items(items)
    verdicts = {v["id"]: v for v in scorer.score(list(representatives.values()))}
    targets = [{"name": n, "kind": k} for n, k in {(i["source"], i["source_kind"]) for i in tagged}]
    reports = [{"name": t["name"], "kind": t["kind"], "status": "ok", "pages": 1, "items": 1} for t in targets]
    return dict(items=tagged, verdicts=verdicts, crawl_reports=reports, targets=targets)


def counts(session):
    return {table.name: session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables}


def test_loading_the_same_night_twice_changes_nothing(session, fixtures, scorer):
    data = night(fixtures, scorer)
    load_night(session, run_date=NIGHT, **data)
    session.commit()
    first = counts(session)
    load_night(session, run_date=NIGHT, **data)
    session.commit()
    assert counts(session) == first
    assert first["sightings"] == 5 and first["ads"] == 4 and first["scores"] == 4


def test_the_same_ad_on_two_pages_is_one_ad_with_two_sightings(session, fixtures, scorer):
    load_night(session, run_date=NIGHT, **night(fixtures, scorer))
    ad = session.scalar(select(Ad).where(Ad.text.contains("康华")))
    assert session.scalar(select(func.count()).where(Sighting.ad_id == ad.id)) == 2
    assert ad.violation and "16" in ad.articles
    score = session.scalar(select(Score).where(Score.ad_id == ad.id))
    assert score.ruleset == scorer.matcher.version and score.hits


def test_nights_loaded_out_of_order_keep_first_and_last_seen(session, fixtures, scorer):
    data = night(fixtures, scorer)
    load_night(session, run_date=date(2026, 11, 24), **data)
    load_night(session, run_date=date(2026, 11, 26), **data)
    load_night(session, run_date=date(2026, 11, 20), **data)
    ad = session.scalar(select(Ad).where(Ad.text.contains("康华")))
    assert (ad.first_seen, ad.last_seen) == (date(2026, 11, 20), date(2026, 11, 26))
    advertiser = session.scalar(select(Advertiser).where(Advertiser.name == "鑫鼎理财"))
    assert advertiser.first_seen == date(2026, 11, 20)
    assert session.scalar(select(func.count()).select_from(Sighting)) == 15
    assert session.scalar(select(func.count()).select_from(Capture)) == 3


def test_a_copy_seen_on_a_later_night_joins_the_cluster_in_the_warehouse(session, fixtures, scorer):
    from warehouse.load import known_clusters

    load_night(session, run_date=NIGHT, **night(fixtures, scorer))
    copy = [{"id": "n2", "source_kind": "web", "source": "淄博本地生活网", "url": "http://127.0.0.1:8801/x",
             "text": "康华皮肤病医院 银屑病专科 根治不复发 治愈率97% 无效退款"}]
    known = known_clusters(session, date(2026, 9, 1))
    tagged, representatives = group_items(copy, known=known)
    verdicts = {v["id"]: v for v in scorer.score(list(representatives.values()))}
    load_night(session, run_date=date(2026, 11, 25), items=tagged, verdicts=verdicts, crawl_reports=[],
               targets=[{"name": "淄博本地生活网", "kind": "web"}])
    ads = session.scalars(select(Ad).where(Ad.text.contains("康华"))).all()
    assert len(ads) == 2 and len({a.cluster_key for a in ads}) == 1
