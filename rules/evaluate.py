"""Evaluate the rule layer alone on a labelled corpus (``tests/data/rules/*.jsonl``).

Rules alone decide: a hit of medium severity or above makes an ad a suspected violation; the
ad's articles are those of its hits. The sector comes from the rule-based keyword guess
(``gold_category=True`` uses the labelled one instead, to separate rule errors from sector
errors).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from rules.engine import Matcher
from rules.loader import SEVERITIES, article_order

FLAG_WEIGHT = 0.6
EVAL_DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "rules"


def load_labelled(path: Path) -> list[dict[str, Any]]:
    """Labelled lines: the §5 input fields plus gold violation, articles, category, tags."""
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: invalid JSON: {exc.msg}") from None
    return records


def predict(records: list[dict[str, Any]], matcher: Matcher, *, gold_category: bool = False) -> list[dict[str, Any]]:
    """Rules-alone verdicts: violation, articles and the hits behind them."""
    texts = [(f"{r['title']}。" if r.get("title") else "") + r["text"] for r in records]
    categories = [r["category"] if gold_category else matcher.guess_category(t)[0] for r, t in zip(records, texts,
                                                                                                  strict=True)]
    verdicts = []
    for hits, category in zip(matcher.match_many(texts, categories), categories, strict=True):
        flagged = any(SEVERITIES[h.severity] >= FLAG_WEIGHT for h in hits)
        verdicts.append({"violation": flagged, "articles": sorted({h.article for h in hits}) if flagged else [],
                         "category": category, "hits": hits})
    return verdicts


def metrics(records: list[dict[str, Any]], verdicts: list[dict[str, Any]]) -> dict[str, Any]:
    """Violation P/R/F1, per-article and micro-averaged article scores, hard-negative FPR, evasion recall."""
    pairs = list(zip(records, verdicts, strict=True))
    tp = sum(r["violation"] and v["violation"] for r, v in pairs)
    fp = sum(not r["violation"] and v["violation"] for r, v in pairs)
    fn = sum(r["violation"] and not v["violation"] for r, v in pairs)
    hard = [v for r, v in pairs if "hard_negative" in r.get("tags", [])]
    evasions = [v for r, v in pairs if "evasion" in r.get("tags", []) and r["violation"]]
    per_article: dict[str, Counter] = {}
    for r, v in pairs:
        gold, found = set(r.get("articles", [])), set(v["articles"])
        for article in gold | found:
            counts = per_article.setdefault(article, Counter())
            counts["tp" if article in gold and article in found else "fn" if article in gold else "fp"] += 1
    total = Counter()
    for counts in per_article.values():
        total.update(counts)
    return {
        "size": len(records),
        "violation": _prf(tp, fp, fn),
        "hard_negatives": len(hard),
        "hard_negative_fpr": _round(sum(v["violation"] for v in hard) / len(hard)) if hard else None,
        "evasions": len(evasions),
        "evasion_recall": _round(sum(v["violation"] for v in evasions) / len(evasions)) if evasions else None,
        "article_micro": _prf(total["tp"], total["fp"], total["fn"]),
        "per_article": {a: _prf(per_article[a]["tp"], per_article[a]["fp"], per_article[a]["fn"])
                        for a in sorted(per_article, key=article_order)},
    }


def evaluate(path: Path, matcher: Matcher, *, gold_category: bool = False) -> dict[str, Any]:
    records = load_labelled(path)
    return metrics(records, predict(records, matcher, gold_category=gold_category))


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": _round(precision), "recall": _round(recall), "f1": _round(f1), "support": tp + fn}


def _round(value: float) -> float:
    return round(value, 4)
