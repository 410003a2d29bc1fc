from flows.deploy import MONTHLY_CRON, NIGHTLY_CRON, deployments


def test_deployments_run_nightly_at_two_and_monthly_on_the_first_in_shanghai():
    nightly, monthly = deployments(targets="targets.yaml")
    schedules = {d.name: d.schedules[0].schedule for d in (nightly, monthly)}
    assert schedules["nightly"].cron == NIGHTLY_CRON == "0 2 * * *"
    assert schedules["monthly"].cron == MONTHLY_CRON == "0 6 1 * *"
    assert {s.timezone for s in schedules.values()} == {"Asia/Shanghai"}
    assert nightly.parameters == {"targets": "targets.yaml"}
