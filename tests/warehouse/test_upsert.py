from datetime import date

from sqlalchemy import func, select

from warehouse.schema import Ad
from warehouse.upsert import upsert


def ad(n: int, *, day: date, text: str = "最佳疗效", violation: bool = True) -> dict:
    return {"content_hash": f"{n:040x}", "cluster_key": f"{n:040x}", "text": text, "category": "医疗服务",
            "violation": violation, "risk": 0.5 + n / 100, "articles": ["16", "9-abs"], "public_service": False,
            "first_seen": day, "last_seen": day}


def load(session, rows, **options):
    with session.begin():
        return upsert(session, Ad, rows, keys=["content_hash"], **options)


def test_rows_are_inserted_with_their_types_intact(session):
    assert load(session, [ad(1, day=date(2026, 11, 3)), ad(2, day=date(2026, 11, 3), violation=False)]) == 2
    stored = {a.content_hash: a for a in session.scalars(select(Ad))}
    first = stored[f"{1:040x}"]
    assert first.articles == ["16", "9-abs"] and first.first_seen == date(2026, 11, 3)
    assert first.violation is True and stored[f"{2:040x}"].violation is False
    assert abs(first.risk - 0.51) < 1e-9 and first.text == "最佳疗效"


def test_a_conflict_updates_the_listed_columns_and_keeps_first_and_last_seen(session):
    load(session, [ad(1, day=date(2026, 11, 5))])
    options = {"update": ["text", "violation"], "keep_min": ["first_seen"], "keep_max": ["last_seen"]}
    load(session, [ad(1, day=date(2026, 11, 2), text="根治", violation=False)], **options)
    load(session, [ad(1, day=date(2026, 11, 9), text="根治不复发")], **options)
    stored = session.scalars(select(Ad)).one()
    assert (stored.first_seen, stored.last_seen) == (date(2026, 11, 2), date(2026, 11, 9))
    assert stored.text == "根治不复发" and stored.violation is True


def test_without_update_columns_a_conflicting_row_is_left_alone(session):
    load(session, [ad(1, day=date(2026, 11, 5))])
    load(session, [ad(1, day=date(2026, 11, 6), text="改过的文字"), ad(2, day=date(2026, 11, 6))])
    assert session.scalar(select(func.count()).select_from(Ad)) == 2
    assert session.scalar(select(Ad.text).where(Ad.content_hash == f"{1:040x}")) == "最佳疗效"


def test_many_rows_in_several_chunks_and_quotes_in_text(session):
    rows = [ad(n, day=date(2026, 11, 1), text=f"第{n}条 '引号' \"双引号\" %s %(x)s ;--") for n in range(12_001)]
    load(session, rows, update=["text"])
    assert session.scalar(select(func.count()).select_from(Ad)) == 12_001
    assert session.scalar(select(Ad.text).where(Ad.content_hash == f"{12_000:040x}")) == \
        "第12000条 '引号' \"双引号\" %s %(x)s ;--"


def test_columns_left_out_of_the_rows_take_their_python_defaults(session):
    row = ad(1, day=date(2026, 11, 1))
    for column in ("violation", "risk", "articles", "public_service"):
        del row[column]
    load(session, [row])
    stored = session.scalars(select(Ad)).one()
    assert (stored.violation, stored.risk, stored.articles, stored.public_service) == (False, 0.0, [], False)


def test_a_key_repeated_within_one_load_acts_as_rows_sent_one_after_another(session):
    options = {"update": ["text"], "keep_min": ["first_seen"], "keep_max": ["last_seen"]}
    load(session, [ad(1, day=date(2026, 11, 5), text="第一版"), ad(2, day=date(2026, 11, 5)),
                   ad(1, day=date(2026, 11, 2), text="第二版", violation=False),
                   ad(1, day=date(2026, 11, 9), text="第三版", violation=False)], **options)
    stored = session.scalars(select(Ad).where(Ad.content_hash == f"{1:040x}")).one()
    assert (stored.first_seen, stored.last_seen) == (date(2026, 11, 2), date(2026, 11, 9))
    # text is an update column (last row wins); violation is not (the first insert stands)
    assert stored.text == "第三版" and stored.violation is True
    assert session.scalar(select(func.count()).select_from(Ad)) == 2


def test_a_repeated_key_without_update_columns_keeps_the_first_row(session):
    load(session, [ad(1, day=date(2026, 11, 5), text="先到"), ad(1, day=date(2026, 11, 6), text="后到")])
    assert session.scalar(select(Ad.text)) == "先到"


def test_several_loads_in_one_transaction(session):
    with session.begin():
        upsert(session, Ad, [ad(1, day=date(2026, 11, 1))], keys=["content_hash"])
        upsert(session, Ad, [ad(2, day=date(2026, 11, 1))], keys=["content_hash"])
        upsert(session, Ad, [ad(2, day=date(2026, 11, 3), text="改")], keys=["content_hash"],
               update=["text"], keep_max=["last_seen"])
    assert session.scalar(select(func.count()).select_from(Ad)) == 2
    assert session.scalar(select(Ad.last_seen).where(Ad.content_hash == f"{2:040x}")) == date(2026, 11, 3)
