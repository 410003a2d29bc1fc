"""Reviewers' decisions as training data, and the promote-only-if-better retraining loop."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import train as training
from models.classifier import Classifier, load_classifier
from models.corpus import CORPUS
from models.evaluate import evaluate_heldout
from models.tuning import choose_thresholds
from warehouse.schema import Ad, Review


@dataclass(frozen=True)
class RetrainResult:
    candidate: str
    current: str
    feedback_records: int
    candidate_metrics: dict[str, Any]
    current_metrics: dict[str, Any]
    promoted: bool
    reason: str


def feedback_records(session: Session) -> list[dict[str, Any]]:
    """One labelled record per reviewed ad, from its latest decision.

    Confirmed → a violation under the reviewer's articles (or the ad's); dismissed → clean.
    The reviewer's corrected sector wins over the ad's.
    """
    latest: dict[int, tuple[Review, Ad]] = {}
    stmt = select(Review, Ad).join(Ad, Ad.id == Review.ad_id).order_by(Review.decided_at, Review.id)
    for review, ad in session.execute(stmt):
        latest[ad.id] = (review, ad)
    records = []
    for review, ad in latest.values():
        confirmed = review.decision == "confirmed"
        articles = (review.articles or ad.articles or []) if confirmed else []
        if confirmed and not articles:
            continue  # a violation without an article cannot teach the article model
        records.append({"text": ad.text, "category": review.category or ad.category or "日用消费品",
                        "violation": confirmed, "articles": list(articles), "tags": ["feedback"]})
    return records


def retrain_with_feedback(session: Session, *, always_promote: bool = False, corpus: Path = CORPUS) -> RetrainResult:
    """Train a candidate on corpus + feedback; promote it only if it beats the current model on held-out data.

    Better means: higher violation F1 without a higher hard-negative false-positive rate.
    """
    extra = feedback_records(session)
    current = load_classifier()
    candidate = Classifier(training.train(corpus=corpus, extra=extra, choose_thresholds=choose_thresholds))
    now, new = evaluate_heldout(current), evaluate_heldout(candidate)
    better = (new["violation"]["f1"] > now["violation"]["f1"]
              and (new["hard_negative_fpr"] or 0) <= (now["hard_negative_fpr"] or 0))
    promote = always_promote or better
    if promote:
        training.save(candidate.artifact)
        load_classifier.cache_clear()
    reason = ("forced" if always_promote and not better else
              "beats the current model on held-out data" if better else
              "does not beat the current model on held-out data; kept the current one")
    return RetrainResult(candidate.version, current.version, len(extra), new, now, promote, reason)
