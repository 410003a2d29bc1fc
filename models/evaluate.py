"""Evaluate fused scoring (rules + classifier) on the hand-labelled held-out corpus."""

from __future__ import annotations

from typing import Any

from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

from models.classifier import load_classifier
from models.corpus import load_split
from models.fusion import load_thresholds, score_records
from rules.engine import default_matcher


def evaluate_heldout() -> dict[str, Any]:
    """Metrics of the fused verdicts against the labels of the held-out split."""
    records = load_split("heldout")
    inputs = [{"id": str(i), "text": r["text"], "source_kind": r.get("channel")} for i, r in enumerate(records)]
    verdicts = score_records(inputs, matcher=default_matcher(), classifier=load_classifier(),
                             thresholds=load_thresholds())
    return metrics(records, verdicts)


def metrics(records: list[dict[str, Any]], verdicts: list[dict[str, Any]]) -> dict[str, Any]:
    truth = [r["violation"] for r in records]
    predicted = [v["violation"] for v in verdicts]
    precision, recall, f1, _ = precision_recall_fscore_support(truth, predicted, average="binary", zero_division=0)
    hard = [(r, v) for r, v in zip(records, verdicts, strict=True) if "hard_negative" in r.get("tags", [])]
    true_articles = [(i, a) for i, r in enumerate(records) for a in r.get("articles", [])]
    found_articles = [(i, a) for i, v in enumerate(verdicts) for a in v["articles"]]
    tp = len(set(true_articles) & set(found_articles))
    article_p = tp / len(set(found_articles)) if found_articles else 0.0
    article_r = tp / len(set(true_articles)) if true_articles else 0.0
    return {
        "heldout_size": len(records),
        "violation": {"precision": round(float(precision), 4), "recall": round(float(recall), 4),
                      "f1": round(float(f1), 4)},
        "hard_negative_fpr": round(sum(v["violation"] for _, v in hard) / len(hard), 4) if hard else None,
        "hard_negatives": len(hard),
        "article_micro_f1": round(2 * article_p * article_r / (article_p + article_r), 4) if tp else 0.0,
        "category_accuracy": round(float(accuracy_score([r["category"] for r in records],
                                                        [v["category"] for v in verdicts])), 4),
        "public_service_f1": round(float(f1_score([r["category"] == "公益" for r in records],
                                                  [v["public_service"] for v in verdicts], zero_division=0)), 4),
    }
