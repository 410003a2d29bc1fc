"""Choose the fused decision thresholds on out-of-fold predictions of the training split.

Rules run on every training text (with its labelled sector); the model's probabilities come
from cross-validation, so each was predicted by a model that never saw that text. The
thresholds that maximise violation F1 (then article micro-F1) there are stored in the
artifact. The held-out split plays no part.
"""

from __future__ import annotations

from itertools import product
from typing import Any

import numpy as np

from models.classifier import Prediction
from models.fusion import decide, load_thresholds
from rules.engine import default_matcher
from rules.loader import SEVERITIES

GRID = {
    "model_confirms_low": [0.2, 0.3, 0.4, 0.5, 0.6, 0.7],
    "model_only_flag": [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95],
    "rule_veto": [0.0, 0.02, 0.05, 0.1, 0.15, 0.2],
}
ARTICLE_GRID = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
PUBLIC_GRID = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]


def choose_thresholds(records: list[dict[str, Any]], oof: dict[str, Any]) -> dict[str, float]:
    """The thresholds with the best out-of-fold violation F1, then article micro-F1."""
    base = load_thresholds()
    matcher = default_matcher()
    texts = [r["text"] for r in records]
    hits = matcher.match_many(texts, [r["category"] for r in records])
    truth = np.array([r["violation"] for r in records])
    p = np.asarray(oof["violation"])
    weights = [[SEVERITIES[h.severity] for h in ad_hits] for ad_hits in hits]
    strong = np.array([any(w >= base.rule_weight_flag for w in ws) for ws in weights])
    any_hit = np.array([bool(ws) for ws in weights])
    best: tuple[float, dict[str, float]] = (-1.0, {})
    for low, alone, veto in product(*GRID.values()):
        flagged = (strong & (p >= veto)) | (any_hit & (p >= low)) | (p >= alone)
        score = _f1(truth, flagged)
        if score > best[0] + 1e-9:
            best = (score, {"model_confirms_low": low, "model_only_flag": alone, "rule_veto": veto})
    chosen = base.tuned(best[1])
    labels = oof["article_labels"]
    best_article = (-1.0, base.article_threshold)
    for threshold in ARTICLE_GRID:
        trial = chosen.tuned({"article_threshold": threshold})
        found = []
        for i, ad_hits in enumerate(hits):
            articles = {a: float(q) for a, q in zip(labels, oof["articles"][i], strict=True)}
            found.append(decide(ad_hits, Prediction(float(p[i]), "", 0.0, articles=articles), trial)[1])
        score = _micro_f1([r.get("articles", []) for r in records], found)
        if score > best_article[0] + 1e-9:
            best_article = (score, threshold)
    public_truth = np.array([r["category"] == "公益" for r in records])
    public_scores = {t: _f1(public_truth, np.asarray(oof["public"]) >= t) for t in PUBLIC_GRID}
    public_threshold = max(PUBLIC_GRID, key=lambda t: (round(public_scores[t], 6), -abs(t - 0.5)))
    return {**best[1], "article_threshold": best_article[1], "public_threshold": public_threshold,
            "oof_violation_f1": round(best[0], 4), "oof_article_micro_f1": round(best_article[0], 4),
            "oof_public_f1": round(public_scores[public_threshold], 4)}


def _f1(truth: np.ndarray, flagged: np.ndarray) -> float:
    tp = float(np.sum(truth & flagged))
    denominator = float(np.sum(truth) + np.sum(flagged))
    return 2 * tp / denominator if denominator else 0.0


def _micro_f1(gold: list[list[str]], found: list[list[str]]) -> float:
    tp = sum(len(set(g) & set(f)) for g, f in zip(gold, found, strict=True))
    denominator = sum(map(len, gold)) + sum(map(len, found))
    return 2 * tp / denominator if denominator else 0.0
