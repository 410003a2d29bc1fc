"""Train the classifier on the bundled corpus and save a versioned artifact.

The artifact holds the fitted features and models plus what is needed to trust it: the
training data's hash, held-out metrics, library versions and the seed. Training is
deterministic: the same data and seed give the same models and metrics.
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score
from sklearn.pipeline import Pipeline

from admon import settings
from models.features import build_features
from rules.loader import CATEGORIES

CORPUS = Path(__file__).resolve().parent / "corpus"


class CorpusError(ValueError):
    """A corpus line is malformed; the message names file and line."""


@dataclass
class Artifact:
    """Fitted models and their provenance."""

    version: str
    violation: Pipeline
    category: Pipeline
    meta: dict[str, Any]


def load_corpus(path: Path) -> list[dict[str, Any]]:
    """Read a labelled JSONL corpus, validating every line."""
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{path}:{number}: invalid JSON: {exc.msg}") from None
        if not isinstance(record.get("text"), str) or not record["text"].strip():
            raise CorpusError(f"{path}:{number}: 'text' must be a non-empty string")
        if record.get("category") not in CATEGORIES:
            raise CorpusError(f"{path}:{number}: unknown category {record.get('category')!r}")
        if not isinstance(record.get("violation"), bool):
            raise CorpusError(f"{path}:{number}: 'violation' must be true or false")
        records.append(record)
    return records


def corpus_hash(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def fit(records: list[dict[str, Any]], *, seed: int = 20260401) -> tuple[Pipeline, Pipeline]:
    """Fit the violation and category models on ``records``."""
    texts = [r["text"] for r in records]
    violation = Pipeline(
        [("features", build_features()),
         ("model", LogisticRegression(C=8.0, class_weight="balanced", max_iter=2000, random_state=seed))]
    )
    violation.fit(texts, np.array([r["violation"] for r in records]))
    category = Pipeline(
        [("features", build_features()),
         ("model", LogisticRegression(C=12.0, max_iter=3000, random_state=seed))]
    )
    category.fit(texts, [r["category"] for r in records])
    return violation, category


def evaluate(violation: Pipeline, category: Pipeline, records: list[dict[str, Any]]) -> dict[str, float]:
    """Model-only metrics on held-out ``records``."""
    texts = [r["text"] for r in records]
    truth = [r["violation"] for r in records]
    predicted = violation.predict(texts)
    return {
        "heldout_size": len(records),
        "violation_precision": round(float(precision_score(truth, predicted)), 4),
        "violation_recall": round(float(recall_score(truth, predicted)), 4),
        "violation_f1": round(float(f1_score(truth, predicted)), 4),
        "category_accuracy": round(float(accuracy_score([r["category"] for r in records], category.predict(texts))), 4),
    }


def train(*, corpus: Path = CORPUS, seed: int = 20260401) -> Artifact:
    """Train on ``corpus/train.jsonl`` and measure on ``corpus/heldout.jsonl``."""
    train_path, heldout_path = corpus / "train.jsonl", corpus / "heldout.jsonl"
    train_records = load_corpus(train_path)
    heldout_records = load_corpus(heldout_path) if heldout_path.exists() else []
    data_hash = corpus_hash(train_path)
    violation, category = fit(train_records, seed=seed)
    metrics = evaluate(violation, category, heldout_records) if heldout_records else {}
    meta = {
        "data_hash": data_hash,
        "train_size": len(train_records),
        "seed": seed,
        "metrics": metrics,
        "trained_at": datetime.now(settings.TIMEZONE).isoformat(timespec="seconds"),
        "versions": {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
                     "numpy": np.__version__},
    }
    return Artifact(version=f"clf-{data_hash[:10]}-s{seed}", violation=violation, category=category, meta=meta)


def models_dir() -> Path:
    return settings.data_dir() / "models"


def save(artifact: Artifact, directory: Path | None = None) -> Path:
    """Save ``artifact`` under the models folder and make it the current one."""
    directory = directory or models_dir()
    target = directory / artifact.version
    target.mkdir(parents=True, exist_ok=True)
    joblib.dump({"violation": artifact.violation, "category": artifact.category}, target / "model.joblib")
    (target / "meta.json").write_text(json.dumps({"version": artifact.version, **artifact.meta},
                                                 ensure_ascii=False, indent=2), encoding="utf-8")
    (directory / "current.json").write_text(json.dumps({"version": artifact.version}), encoding="utf-8")
    return target


def load(directory: Path | None = None) -> Artifact | None:
    """The current saved artifact, or None if there is none (or it was saved by another sklearn)."""
    directory = directory or models_dir()
    pointer = directory / "current.json"
    if not pointer.exists():
        return None
    version = json.loads(pointer.read_text(encoding="utf-8"))["version"]
    meta = json.loads((directory / version / "meta.json").read_text(encoding="utf-8"))
    if meta.get("versions", {}).get("scikit-learn") != sklearn.__version__:
        return None
    fitted = joblib.load(directory / version / "model.joblib")
    return Artifact(version=version, violation=fitted["violation"], category=fitted["category"], meta=meta)
