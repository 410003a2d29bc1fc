"""The ``admon`` command: thin wrappers that parse options and call flows and libraries.

Exit codes: 0 ok, 1 failure, 2 usage error. Progress and reports go to stderr; stdout stays
machine-readable where a command prints data.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import click

from admon import settings


def _date(value: str | None) -> date:
    if value is None:
        return settings.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _month(value: str) -> str:
    try:
        datetime.strptime(value, "%Y-%m")
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a month (YYYY-MM)") from None
    return value


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="admon")
def main() -> None:
    """admon: advertising monitoring for market regulators.

    \b
    Example:
        admon run nightly --date 2026-11-24
    """
    settings.configure_prefect()


@main.command()
@click.option("--in", "in_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSONL of ads: id, text and optional title, source_kind, category.")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write one verdict per scored line.")
@click.option("--ruleset", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Rule set folder (default: the bundled one).")
def score(in_path: Path, out_path: Path, ruleset: Path | None) -> None:
    """Score ads offline (no database, no network).

    Bad lines are reported on stderr with their line numbers and skipped.

    \b
    Example:
        admon score --in ads.jsonl --out scored.jsonl
    """
    from flows.scoring import load_scorer, score_file
    from rules.loader import RuleSyntaxError

    try:
        scorer = load_scorer(ruleset)
    except RuleSyntaxError as exc:
        raise click.ClickException(str(exc)) from None
    report = score_file(in_path, out_path, scorer=scorer)
    for bad in report.bad_lines:
        click.echo(f"skipped {bad}", err=True)
    click.echo(f"scored {report.scored} ads ({report.flagged} suspected violations), "
               f"skipped {len(report.bad_lines)} bad lines → {out_path}", err=True)


@main.command()
@click.option("--targets", "targets_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--redis", "redis_url", help="Share the request queue and duplicate filter in Redis (scrapy-redis).")
@click.option("--run-id", help="With --redis: the crawl's name, the same on every worker (default: today).")
def crawl(targets_path: Path, out_dir: Path, redis_url: str | None, run_id: str | None) -> None:
    """Crawl and import the targets into OUT/items.jsonl with evidence and a report.

    With --redis, run the same command on several hosts: they split the crawl. File imports
    run only without --redis.

    \b
    Example:
        admon crawl --targets demo/targets.yaml --out data/crawl/2026-11-24
        admon crawl --targets targets.yaml --out /srv/crawl --redis redis://10.0.0.7:6379/0 --run-id 2026-11-24
    """
    from crawlers.run import crawl as run_crawl
    from crawlers.targets import TargetError, load_targets

    try:
        targets = load_targets(targets_path)
    except TargetError as exc:
        raise click.ClickException(str(exc)) from None
    run_id = run_id or settings.today().isoformat()
    reports = run_crawl(targets, out_dir, redis_url=redis_url, run_id=run_id)
    for report in reports:
        errors = ", ".join(f"{k}={v}" for k, v in sorted(report.errors.items())) or "none"
        click.echo(f"{report.status:8} {report.name} ({report.kind}): {report.pages} pages, "
                   f"{report.items} items, errors: {errors}", err=True)
    click.echo(f"items → {out_dir / 'items.jsonl'}; report → {out_dir / 'report.json'}", err=True)


@main.group()
def run() -> None:
    """Run a flow now.

    \b
    Example:
        admon run nightly --date 2026-11-24 --targets demo/targets.yaml
    """


@run.command()
@click.option("--date", "day", help="Monitoring date YYYY-MM-DD (default: today, Asia/Shanghai).")
@click.option("--targets", "targets_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="targets.yaml (default: ADMON_TARGETS or the bundled demo targets).")
@click.option("--items", "items_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Skip crawling and load this items.jsonl instead.")
@click.option("--runner", type=click.Choice(["default", "dask"]), default="default", show_default=True,
              help="dask: score in parallel batches on a Dask cluster (a local one unless --dask-address).")
@click.option("--dask-address", help="Scheduler of an existing Dask cluster, e.g. tcp://10.0.0.5:8786.")
def nightly(day: str | None, targets_path: Path | None, items_path: Path | None, runner: str,
            dask_address: str | None) -> None:
    """The nightly flow: crawl → clean → dedupe → score → load → indicators → alerts.

    Re-running a date is idempotent.

    \b
    Example:
        admon run nightly --date 2026-11-24 --targets demo/targets.yaml
    """
    from flows.nightly import default_targets, with_runner

    summary = with_runner(runner, dask_address)(run_date=_date(day).isoformat(),
                           targets=str(targets_path or default_targets()),
                           items=str(items_path) if items_path else None)
    click.echo(json.dumps(summary, ensure_ascii=False, indent=2))


@main.group()
def report() -> None:
    """Generate reports.

    \b
    Example:
        admon report monthly --month 2026-11
    """


@report.command()
@click.option("--month", required=True, callback=lambda _c, _p, v: _month(v), help="YYYY-MM")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the HTML and XLSX (default: DATA/reports).")
def monthly(month: str, out_dir: Path | None) -> None:
    """The monthly report (Chinese) as HTML and XLSX, stored in the warehouse.

    \b
    Example:
        admon report monthly --month 2026-11 --out reports/
    """
    from flows.monthly import monthly_flow

    result = monthly_flow(month=month, out_dir=str(out_dir) if out_dir else None)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Start the review web app.

    \b
    Example:
        admon serve --host 127.0.0.1 --port 8000
    """
    import uvicorn

    from app.main import create_app

    uvicorn.run(create_app(), host=host, port=port, log_level="info")


@main.command()
@click.option("--default", "package_default", is_flag=True,
              help="Build the packaged default model (models/artifacts) if it is missing or stale; "
                   "`make setup` runs this.")
@click.option("--with-feedback", is_flag=True,
              help="Add reviewers' decisions from the warehouse; promote only if better on held-out data.")
@click.option("--always-promote", is_flag=True, help="With --with-feedback: promote even if not better.")
def train(package_default: bool, with_feedback: bool, always_promote: bool) -> None:
    """Train the classifiers on the bundled corpus and make them current.

    Prints the artifact's version, training-data hash, model selection, chosen thresholds and
    library versions.

    \b
    Example:
        admon train --with-feedback
    """
    from models import train as training
    from models.tuning import choose_thresholds

    if with_feedback:
        from dataclasses import asdict

        from models.feedback import retrain_with_feedback
        from warehouse.db import connect, session_maker

        with session_maker(connect())() as session:
            result = retrain_with_feedback(session, always_promote=always_promote)
        click.echo(json.dumps(asdict(result), ensure_ascii=False, indent=2))
        return
    if package_default:
        existing = training.load(training.PACKAGE_ARTIFACTS)
        if existing is not None:
            click.echo(f"default model {existing.version} is up to date", err=True)
            return
    artifact = training.train(choose_thresholds=choose_thresholds)
    path = training.save(artifact, training.PACKAGE_ARTIFACTS if package_default else None)
    click.echo(json.dumps({"version": artifact.version, "path": str(path), **artifact.meta},
                          ensure_ascii=False, indent=2))


@main.command("eval")
@click.option("--suite", type=click.Choice(["rules", "fused", "all"]), default="all", show_default=True,
              help="rules: the rule layer alone on tests/data/rules; fused: rules + classifier on "
                   "models/corpus and on the same tests/data/rules split.")
@click.option("--split", type=click.Choice(["heldout", "tune"]), default="heldout", show_default=True,
              help="Which part of the rules corpus (the held-out part is never tuned on).")
@click.option("--gold-category", is_flag=True, help="Rules suite: use labelled sectors instead of the keyword guess.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the fused report as HTML (Chinese) to this file.")
def evaluate(suite: str, split: str, gold_category: bool, html_path: Path | None) -> None:
    """Evaluate scoring on labelled held-out data and print the metrics as JSON.

    \b
    Example:
        admon eval --suite rules --split heldout
    """
    from rules.engine import default_matcher
    from rules.evaluate import EVAL_DATA

    report: dict[str, object] = {}
    path = EVAL_DATA / f"{split}.jsonl"
    if suite in ("rules", "all"):
        from rules.evaluate import evaluate as evaluate_rules

        if not path.exists():
            raise click.ClickException(f"{path}: labelled rules corpus not found")
        report["rules"] = {"data": str(path), "ruleset": default_matcher().version,
                           **evaluate_rules(path, default_matcher(), gold_category=gold_category)}
    if suite in ("fused", "all"):
        from models.classifier import load_classifier
        from models.evaluate import evaluate_heldout, evaluate_rules_corpus, write_html

        report["fused"] = evaluate_heldout()
        if path.exists():  # the same blind lines as the rules suite, through the whole scorer
            report["fused_rules_corpus"] = {"data": str(path), **evaluate_rules_corpus(path)}
        if html_path:
            write_html(report["fused"], html_path, version=load_classifier().version,
                       ruleset=default_matcher().version)
            click.echo(f"HTML report → {html_path}", err=True)
    click.echo(json.dumps(report, ensure_ascii=False, indent=2))


@main.command()
@click.option("--targets", "targets_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def deploy(targets_path: Path | None) -> None:
    """Serve the scheduled deployments: nightly 02:00 and monthly on the 1st at 06:00 (Asia/Shanghai).

    Needs a Prefect API (``prefect server start``, then PREFECT_API_URL); runs until stopped.

    \b
    Example:
        PREFECT_API_URL=http://127.0.0.1:4200/api admon deploy --targets targets.yaml
    """
    from flows.deploy import serve_deployments

    serve_deployments(targets=str(targets_path) if targets_path else None)


@main.group()
def user() -> None:
    """Manage review-app accounts.

    \b
    Example:
        admon user add zhangmin --role monitor --name 张敏
    """


@user.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["monitor", "enforcer", "admin"]), required=True,
              help="monitor 监测员, enforcer 执法人员, admin 管理员.")
@click.option("--name", "display_name", help="Name shown in the app (default: the username).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Prompted for if not given; at least 10 characters.")
def user_add(username: str, role: str, display_name: str | None, password: str) -> None:
    """Create an account (the password is stored as an argon2 hash).

    \b
    Example:
        admon user add zhangmin --role monitor --name 张敏
    """
    from app.auth import AuthError, create_user
    from warehouse.db import connect, session_maker

    with session_maker(connect())() as session, session.begin():
        try:
            create_user(session, username, password, role=role, display_name=display_name, actor="cli")
        except AuthError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"created {role} {username}", err=True)


@main.command()
@click.option("--date", "day", help="Monitoring date (default: yesterday, Asia/Shanghai).")
def demo(day: str | None) -> None:
    """Serve the bundled demo sites on loopback, run the nightly flow and the monthly report.

    \b
    Example:
        admon demo
    """
    from flows.demo import run_demo

    run_date = _date(day) if day else settings.today() - timedelta(days=1)
    sys.exit(run_demo(run_date))


if __name__ == "__main__":
    main()
