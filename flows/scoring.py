"""Scoring at the edges: a JSONL file in, a JSONL file of verdicts out (design §5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from admon.jsonl import BadLine, read_records, write_record
from models.classifier import Classifier, load_classifier
from models.fusion import Thresholds, load_thresholds, score_records
from rules.engine import Matcher, default_matcher

BATCH = 2_000


@dataclass
class Scorer:
    """Everything scoring needs, loaded once."""

    matcher: Matcher
    classifier: Classifier
    thresholds: Thresholds

    def score(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return score_records(records, matcher=self.matcher, classifier=self.classifier, thresholds=self.thresholds)


def load_scorer(ruleset: Path | None = None) -> Scorer:
    """The default rule set (or ``ruleset``), the current classifier and the thresholds."""
    return Scorer(default_matcher(str(ruleset) if ruleset else None), load_classifier(), load_thresholds())


@dataclass
class ScoreFileReport:
    scored: int = 0
    flagged: int = 0
    bad_lines: list[BadLine] = field(default_factory=list)


def score_file(in_path: Path, out_path: Path, *, scorer: Scorer | None = None) -> ScoreFileReport:
    """Score every good line of ``in_path`` into ``out_path`` (same order); report the bad ones."""
    scorer = scorer or load_scorer()
    report = ScoreFileReport()
    batch: list[dict[str, Any]] = []
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with open(out_path, "w", encoding="utf-8") as out:

        def flush() -> None:
            for verdict in scorer.score(batch):
                write_record(out, verdict)
                report.scored += 1
                report.flagged += verdict["violation"]
            batch.clear()

        for entry in read_records(in_path, required=("id", "text")):
            if isinstance(entry, BadLine):
                report.bad_lines.append(entry)
                continue
            number, record = entry
            if not isinstance(record["text"], str):
                report.bad_lines.append(BadLine(str(in_path), number, "field 'text' must be a string"))
                continue
            batch.append(record)
            if len(batch) >= BATCH:
                flush()
        flush()
    return report
