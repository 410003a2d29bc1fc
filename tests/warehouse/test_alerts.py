from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.warehouse.factories import add_ad, add_sighting, at, build_month
from warehouse.alerts import AlertConfigError, evaluate, load_alert_rules, raise_alerts
from warehouse.schema import Alert, CitizenReport, Review

DAY = date(2026, 11, 24)


def rules_with(**overrides):
    rules = load_alert_rules()
    for name, values in overrides.items():
        rules[name] = {**rules[name], **values}
    return rules


def fired(session, rules):
    return {(f.rule, f.subject) for f in evaluate(session, DAY, rules)}


def test_serious_violations_fire_for_serious_sectors_and_high_risk_only(session):
    build_month(session, DAY)
    serious = {s for r, s in fired(session, load_alert_rules()) if r == "serious_violation"}
    assert serious == {"a1".ljust(40, "0"), "a4".ljust(40, "0")}  # 医疗服务 and 金融投资; 化妆品 at .70 not


def test_sector_rate_fires_above_threshold_and_not_below(session):
    build_month(session, DAY)
    assert ("sector_rate", "医疗服务") not in fired(session, rules_with(sector_rate={"min_ads": 5}))
    assert ("sector_rate", "医疗服务") in fired(session, rules_with(sector_rate={"min_ads": 2}))
    assert ("sector_rate", "食品饮料") not in fired(session, rules_with(sector_rate={"min_ads": 2}))


def test_sector_spike_against_its_own_baseline(session):
    build_month(session, DAY)
    # 化妆品 (A2): 5 of 5 suspected the day before, 1 of 1 today → no spike; lower min_ads to see it measured.
    assert not [f for f in fired(session, rules_with(sector_spike={"min_ads": 1})) if f[0] == "sector_spike"]
    clean = add_ad(session, "a7", category="食品饮料", violation=True, risk=0.7, first_seen=DAY)
    for n in range(4):
        add_sighting(session, clean, DAY, channel="web", n=n)
    # 食品饮料 today: 4 of 7 suspected vs 0 of 5 over the baseline.
    assert ("sector_spike", "食品饮料") in fired(session, rules_with(sector_spike={"min_ads": 5}))


def test_repeat_violator_needs_two_confirmed_ads_in_the_window(session):
    advertisers = build_month(session, DAY)
    assert not [f for f in fired(session, load_alert_rules()) if f[0] == "repeat_violator"]
    second = add_ad(session, "a8", category="医疗服务", violation=True, risk=0.9, advertiser=advertisers["康华医院"],
                    first_seen=DAY)
    session.add(Review(ad_id=second.id, reviewer="甲", decision="confirmed", decided_at=at(DAY - timedelta(days=30))))
    session.flush()
    assert ("repeat_violator", "康华医院") in fired(session, load_alert_rules())


def test_citizen_surge(session):
    build_month(session, DAY)
    assert ("citizen_surge", "鑫鼎理财") in fired(session, load_alert_rules())
    assert ("citizen_surge", "鑫鼎理财") not in fired(session, rules_with(citizen_surge={"min_reports": 4}))
    session.add(CitizenReport(tracking_code="T9", advertiser="鑫鼎理财", reported_at=at(DAY - timedelta(days=10))))
    session.flush()
    assert ("citizen_surge", "鑫鼎理财") not in fired(session, rules_with(citizen_surge={"min_reports": 4}))


def test_alerts_are_deduplicated_one_open_per_rule_and_subject(session):
    build_month(session, DAY)
    rules = load_alert_rules()
    first = raise_alerts(session, DAY, evaluate(session, DAY, rules))
    again = raise_alerts(session, DAY, evaluate(session, DAY, rules))
    assert first["opened"] > 0 and again == {"opened": 0, "updated": first["opened"]}
    alerts = session.scalars(select(Alert)).all()
    assert len(alerts) == first["opened"]
    assert len({(a.rule, a.subject) for a in alerts}) == len(alerts)
    # A closed alert does not block a new one for the same subject.
    alerts[0].status = "closed"
    session.flush()
    assert raise_alerts(session, DAY, evaluate(session, DAY, rules))["opened"] == 1


def test_bad_alert_config_is_reported(tmp_path):
    path = tmp_path / "alerts.yaml"
    path.write_text("sector_rate: {level: purple, threshold: 0.5, min_ads: 5}\n", encoding="utf-8")
    with pytest.raises(AlertConfigError, match="level must be one of"):
        load_alert_rules(path)
    path.write_text("sector_rates: {level: red}\n", encoding="utf-8")
    with pytest.raises(AlertConfigError, match="unknown alert rule 'sector_rates'"):
        load_alert_rules(path)
