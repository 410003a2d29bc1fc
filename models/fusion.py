"""Fuse rule hits and the classifier into the scoring contract of design §5.

``risk`` = 1 − (1 − r)(1 − p), where r = 1 − Π(1 − wᵢ) over the severity weights of the
distinct rules hit and p is the model's violation probability: either source alone can
raise risk, and agreement raises it further. ``violation`` is a decision (:func:`decide`)
at thresholds chosen on out-of-fold training predictions (stored in the model artifact);
``models/thresholds.yaml`` holds the rest and the defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from admon.datafile import read_yaml
from models.classifier import Classifier, Prediction
from rules.engine import Hit, Matcher
from rules.loader import CATEGORIES, SEVERITIES, article_order

THRESHOLDS = Path(__file__).resolve().parent / "thresholds.yaml"
# Channels where an ad must carry a "广告" label (互联网广告管理办法 Art 9).
LABELLED_CHANNELS = ("web", "wechat")


@dataclass(frozen=True)
class Thresholds:
    rule_weight_flag: float
    model_confirms_low: float
    model_only_flag: float
    rule_veto: float
    article_threshold: float
    public_threshold: float
    category_model_confident: float
    category_rule_weight: float

    def tuned(self, values: dict[str, float]) -> Thresholds:
        """These thresholds with the ones chosen at training time."""
        known = {f.name for f in fields(self)}
        return replace(self, **{k: float(v) for k, v in values.items() if k in known})


def load_thresholds(path: Path = THRESHOLDS) -> Thresholds:
    """Read the decision thresholds, rejecting missing or out-of-range values."""
    data = read_yaml(path, error=ValueError) or {}
    values = {}
    for name in Thresholds.__dataclass_fields__:
        value = data.get(name)
        if not isinstance(value, int | float) or value < 0:
            raise ValueError(f"{path}: '{name}' must be a non-negative number, got {value!r}")
        values[name] = float(value)
    return Thresholds(**values)


def decide(hits: list[Hit], prediction: Prediction, thresholds: Thresholds) -> tuple[bool, list[str]]:
    """Whether the ad is a suspected violation, and under which articles.

    A hit of at least ``rule_weight_flag`` flags the ad unless the model is nearly certain it
    is clean (``rule_veto``: quotations and reports the rules cannot see as such); weaker hits
    need the model to agree; with no hit, the model alone flags at ``model_only_flag``.
    Articles: those of the hits, plus the model's articles above ``article_threshold`` (or its
    likeliest article when it flags alone).
    """
    weights = {h.rule: SEVERITIES[h.severity] for h in hits}
    p = prediction.p_violation
    strong = any(w >= thresholds.rule_weight_flag for w in weights.values())
    violation = ((strong and p >= thresholds.rule_veto)
                 or (bool(weights) and p >= thresholds.model_confirms_low)
                 or p >= thresholds.model_only_flag)
    if not violation:
        return False, []
    articles = {h.article for h in hits}
    articles |= {a for a, q in prediction.articles.items() if q >= thresholds.article_threshold}
    if not articles and prediction.articles:
        articles.add(max(prediction.articles, key=lambda a: prediction.articles[a]))
    return True, sorted(articles, key=article_order)


def score_records(
    records: list[dict[str, Any]], *, matcher: Matcher, classifier: Classifier, thresholds: Thresholds
) -> list[dict[str, Any]]:
    """Score each record (``id``, ``text`` and optional fields) into a §5 verdict, in order."""
    thresholds = thresholds.tuned(classifier.thresholds)
    texts = [_full_text(r) for r in records]
    predictions = classifier.predict(texts)
    categories = [decide_category(r, t, p, matcher=matcher, thresholds=thresholds)
                  for r, t, p in zip(records, texts, predictions, strict=True)]
    categories = [_consistent(c, p, r, thresholds) for c, p, r in zip(categories, predictions, records, strict=True)]
    matched = matcher.match_many(texts, categories)
    return [
        fuse(record, text, prediction, hits, category=category, thresholds=thresholds, ruleset=matcher.version,
             model_version=classifier.version)
        for record, text, prediction, hits, category in zip(records, texts, predictions, matched, categories,
                                                            strict=True)
    ]


def fuse(
    record: dict[str, Any],
    text: str,
    prediction: Prediction,
    rule_hits: list[Hit],
    *,
    category: str,
    thresholds: Thresholds,
    ruleset: str,
    model_version: str,
) -> dict[str, Any]:
    """One verdict from the record, its rule hits (on title + text) and the model's prediction."""
    offset = len(text) - len(record["text"])  # the title is scored too, but spans index `text`
    hits = [_shift(h, offset) for h in rule_hits] + _context_hits(record, category)
    r = 1.0
    for weight in {h.rule: SEVERITIES[h.severity] for h in hits}.values():
        r *= 1.0 - weight
    p = prediction.p_violation
    violation, articles = decide(hits, prediction, thresholds)
    model: dict[str, Any] = {"version": model_version, "p_violation": p}
    if violation and not any(SEVERITIES[h.severity] >= thresholds.rule_weight_flag for h in hits):
        # A flag the rules alone would not raise: show what the model saw.
        model["top_features"] = prediction.top_features
    public = category == "公益"
    return {
        "id": record["id"],
        "violation": violation,
        "risk": round(1.0 - r * (1.0 - p), 4),
        "articles": articles,
        "category": category,
        "public_service": public,
        "hits": [h.to_dict() for h in hits],
        "model": model,
        "ruleset": ruleset,
    }


def decide_category(
    record: dict[str, Any], text: str, prediction: Prediction, *, matcher: Matcher, thresholds: Thresholds
) -> str:
    """The given category if valid; else a confident model; else a strong keyword guess; else the model."""
    given = record.get("category")
    if given in CATEGORIES:
        return given
    if prediction.category_p >= thresholds.category_model_confident:
        return prediction.category
    guess, weight = matcher.guess_category(text)
    if guess and weight >= thresholds.category_rule_weight:
        return guess
    return prediction.category


def _consistent(category: str, prediction: Prediction, record: dict[str, Any], thresholds: Thresholds) -> str:
    """Sector 公益 exactly when the public-service model says so (unless the sector was given)."""
    if record.get("category") in CATEGORIES:
        return category
    if prediction.p_public >= thresholds.public_threshold:
        return "公益"
    if category == "公益":
        return next((c for c in prediction.ranked_categories if c != "公益"), "日用消费品")
    return category


def _full_text(record: dict[str, Any]) -> str:
    # The title is matched too (违规 titles are common), placed before the text with a
    # sentence break; _shift maps spans back onto `text`.
    title = (record.get("title") or "").strip()
    return f"{title}。{record['text']}" if title else record["text"]


def _shift(hit: Hit, offset: int) -> Hit:
    if offset == 0 or (hit.start == hit.end == 0):
        return hit
    if hit.start < offset:
        # A hit inside the title: reported with source "title" and title offsets.
        return Hit(hit.rule, hit.article, hit.severity, hit.start, hit.end, hit.text, source="title", note=hit.note)
    return Hit(hit.rule, hit.article, hit.severity, hit.start - offset, hit.end - offset, hit.text, note=hit.note)


def _context_hits(record: dict[str, Any], category: str) -> list[Hit]:
    """Hits from the item's context rather than its words: an internet ad without a 广告 label."""
    channel = record.get("source_kind") or record.get("channel")
    if record.get("labelled_as_ad") is False and channel in LABELLED_CHANNELS and category != "公益":
        severity = "medium" if record.get("advertorial") else "low"
        note = "互联网广告未显著标明“广告”，不能使消费者辨明其为广告"
        return [Hit("identify.unlabelled", "14", severity, 0, 0, "", source="context", note=note)]
    return []
