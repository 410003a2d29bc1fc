import json

import pytest
from click.testing import CliRunner

from admon.cli import main

COMMANDS = [[], ["score"], ["crawl"], ["run"], ["run", "nightly"], ["report"], ["report", "monthly"], ["serve"],
            ["train"], ["eval"], ["deploy"], ["demo"], ["user"], ["user", "add"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "admon")
def test_every_command_has_help_with_an_example(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output


def test_score_reports_bad_lines_by_number_and_scores_the_rest(fixtures, tmp_path):
    out = tmp_path / "scored.jsonl"
    result = CliRunner().invoke(main, ["score", "--in", str(fixtures / "score" / "ads.jsonl"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "ads.jsonl:3: invalid JSON" in result.output
    assert "ads.jsonl:5: missing required field 'text'" in result.output
    assert "ads.jsonl:6: missing required field 'id'" in result.output
    assert "ads.jsonl:10: expected a JSON object" in result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["a1", "a2", "a3", "a5", "a6", "a7"]


def test_month_and_date_options_are_validated():
    result = CliRunner().invoke(main, ["report", "monthly", "--month", "2026-13"])
    assert result.exit_code == 2 and "not a month" in result.output
    result = CliRunner().invoke(main, ["run", "nightly", "--date", "yesterday"])
    assert result.exit_code == 2 and "not a date" in result.output


def test_score_with_a_broken_ruleset_fails_with_the_reason(tmp_path, fixtures):
    (tmp_path / "index.yaml").write_text("version: x\nfiles: [missing.yaml]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["score", "--in", str(fixtures / "score" / "ads.jsonl"),
                                       "--out", str(tmp_path / "o.jsonl"), "--ruleset", str(tmp_path)])
    assert result.exit_code == 1 and "missing.yaml: file not found" in result.output
