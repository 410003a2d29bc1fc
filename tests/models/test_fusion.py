"""The §5 scoring contract on realistic ads."""

from admon.jsonl import BadLine, read_records

CONTRACT_KEYS = {"id", "violation", "risk", "articles", "category", "public_service", "hits", "model", "ruleset"}


def score_fixture(scorer, fixtures):
    records = [e[1] for e in read_records(fixtures / "score" / "ads.jsonl", required=("id", "text"))
               if not isinstance(e, BadLine)]
    return records, {v["id"]: v for v in scorer.score(records)}


def test_every_verdict_meets_the_contract(scorer, fixtures):
    records, verdicts = score_fixture(scorer, fixtures)
    assert list(verdicts) == [r["id"] for r in records]
    for verdict in verdicts.values():
        assert CONTRACT_KEYS <= set(verdict)
        assert 0.0 <= verdict["risk"] <= 1.0
        assert verdict["ruleset"] == scorer.matcher.version
        assert verdict["model"]["version"] == scorer.classifier.version
        assert 0.0 <= verdict["model"]["p_violation"] <= 1.0
        for hit in verdict["hits"]:
            assert {"rule", "article", "start", "end", "text", "source"} <= set(hit)


def test_spans_point_at_the_original_text(scorer, fixtures):
    records, verdicts = score_fixture(scorer, fixtures)
    texts = {r["id"]: r for r in records}
    for ad_id, verdict in verdicts.items():
        for hit in verdict["hits"]:
            field = texts[ad_id].get("title") if hit["source"] == "title" else texts[ad_id]["text"]
            if hit["source"] in ("rule", "title"):
                assert field[hit["start"] : hit["end"]] == hit["text"], hit


def test_violations_and_their_articles(scorer, fixtures):
    _, verdicts = score_fixture(scorer, fixtures)
    assert verdicts["a1"]["violation"] and "16" in verdicts["a1"]["articles"]
    assert verdicts["a3"]["violation"] and "25" in verdicts["a3"]["articles"]
    assert verdicts["a6"]["violation"] and {"9-abs", "17"} <= set(verdicts["a6"]["articles"])
    assert any(h["source"] == "title" and h["text"] == "ＮＯ．１" for h in verdicts["a6"]["hits"])


def test_hard_negatives_and_public_service_are_not_flagged(scorer, fixtures):
    _, verdicts = score_fixture(scorer, fixtures)
    assert not verdicts["a2"]["violation"]
    assert not verdicts["a7"]["violation"], verdicts["a7"]
    assert verdicts["a5"]["public_service"] and verdicts["a5"]["category"] == "公益"
    assert not verdicts["a5"]["violation"]


def test_risk_orders_clear_violations_above_compliant_ads(scorer, fixtures):
    _, verdicts = score_fixture(scorer, fixtures)
    assert min(verdicts[i]["risk"] for i in ("a1", "a3", "a6")) > max(verdicts[i]["risk"] for i in ("a2", "a5", "a7"))
