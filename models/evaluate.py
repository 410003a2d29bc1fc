"""Evaluate fused scoring (rules + classifier) on the hand-labelled held-out corpus.

The report: violation precision/recall/F1, hard-negative false-positive rate, evasion
recall, article micro-F1, per-sector precision/recall/F1 and the sector confusion matrix,
public-service F1, and calibration of the violation probability (Brier score, reliability
bins). ``write_html`` renders it for people.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sklearn.metrics import brier_score_loss, confusion_matrix, f1_score, precision_recall_fscore_support

from models.classifier import Classifier, load_classifier
from models.corpus import load_split
from models.fusion import load_thresholds, score_records
from rules.engine import default_matcher
from rules.evaluate import load_labelled
from rules.evaluate import metrics as rule_metrics
from rules.loader import CATEGORIES

BINS = 10


def evaluate_heldout(classifier: Classifier | None = None) -> dict[str, Any]:
    """Metrics of the fused verdicts against the labels of the held-out split."""
    records = load_split("heldout")
    inputs = [{"id": str(i), "text": r["text"], "source_kind": r.get("channel")} for i, r in enumerate(records)]
    verdicts = score_records(inputs, matcher=default_matcher(), classifier=classifier or load_classifier(),
                             thresholds=load_thresholds())
    return metrics(records, verdicts)


def evaluate_rules_corpus(path: Path, classifier: Classifier | None = None) -> dict[str, Any]:
    """The fused verdict on the rules corpus (``tests/data/rules``), with the rules suite's metrics.

    The scorer gets only what a crawler supplies (id, title, text, channel): not the labelled
    sector, which would hand it the answer to the category guess.
    """
    records = load_labelled(path)
    inputs = [{k: r[k] for k in ("id", "title", "text", "source_kind") if k in r} for r in records]
    verdicts = score_records(inputs, matcher=default_matcher(), classifier=classifier or load_classifier(),
                             thresholds=load_thresholds())
    report = rule_metrics(records, verdicts)
    report["category_accuracy"] = round(
        sum(r["category"] == v["category"] for r, v in zip(records, verdicts, strict=True)) / len(records), 4)
    return report


def metrics(records: list[dict[str, Any]], verdicts: list[dict[str, Any]]) -> dict[str, Any]:
    pairs = list(zip(records, verdicts, strict=True))
    truth = [r["violation"] for r in records]
    predicted = [v["violation"] for v in verdicts]
    precision, recall, f1, _ = precision_recall_fscore_support(truth, predicted, average="binary", zero_division=0)
    hard = [v for r, v in pairs if "hard_negative" in r.get("tags", [])]
    evasions = [v for r, v in pairs if "evasion" in r.get("tags", []) and r["violation"]]
    gold_articles = {(i, a) for i, r in enumerate(records) for a in r.get("articles", [])}
    found_articles = {(i, a) for i, v in enumerate(verdicts) for a in v["articles"]}
    tp = len(gold_articles & found_articles)
    gold_sectors = [r["category"] for r in records]
    found_sectors = [v["category"] for v in verdicts]
    sector_p, sector_r, sector_f, sector_n = precision_recall_fscore_support(
        gold_sectors, found_sectors, labels=list(CATEGORIES), zero_division=0)
    probabilities = np.array([v["model"]["p_violation"] for v in verdicts])
    return {
        "heldout_size": len(records),
        "violation": {"precision": _r(precision), "recall": _r(recall), "f1": _r(f1)},
        "hard_negatives": len(hard),
        "hard_negative_fpr": _r(sum(v["violation"] for v in hard) / len(hard)) if hard else None,
        "evasions": len(evasions),
        "evasion_recall": _r(sum(v["violation"] for v in evasions) / len(evasions)) if evasions else None,
        "article_micro_f1": _r(2 * tp / (len(gold_articles) + len(found_articles))) if tp else 0.0,
        "category_accuracy": _r(float(np.mean([g == f for g, f in zip(gold_sectors, found_sectors, strict=True)]))),
        "public_service_f1": _r(f1_score([r["category"] == "公益" for r in records],
                                         [v["public_service"] for v in verdicts], zero_division=0)),
        "per_category": {c: {"precision": _r(p), "recall": _r(r), "f1": _r(f), "support": int(n)}
                         for c, p, r, f, n in zip(CATEGORIES, sector_p, sector_r, sector_f, sector_n, strict=True)},
        "confusion": {"labels": list(CATEGORIES),
                      "matrix": confusion_matrix(gold_sectors, found_sectors, labels=list(CATEGORIES)).tolist()},
        "calibration": calibration(np.array(truth), probabilities),
    }


def calibration(truth: np.ndarray, probabilities: np.ndarray) -> dict[str, Any]:
    """Brier score and, per probability bin, the mean prediction against the observed rate."""
    bins = []
    edges = np.linspace(0.0, 1.0, BINS + 1)
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        inside = (probabilities >= low) & ((probabilities < high) | (high == 1.0))
        if inside.any():
            bins.append({"bin": f"{low:.1f}–{high:.1f}", "count": int(inside.sum()),
                         "mean_predicted": _r(float(probabilities[inside].mean())),
                         "observed": _r(float(truth[inside].mean()))})
    return {"brier": _r(float(brier_score_loss(truth, probabilities))), "bins": bins}


TEMPLATES = Path(__file__).resolve().parent / "templates"



def write_html(report: dict[str, Any], path: Path, *, version: str, ruleset: str) -> Path:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))
    html = env.get_template("eval.html").render(m=report, version=version, ruleset=ruleset)
    path.write_text(html, encoding="utf-8")
    return path


def _r(value: float) -> float:
    return round(float(value), 4)
