"""Train the classifiers and save a versioned artifact.

One feature space (jieba words + character n-grams, fitted once) feeds four models:
violation (calibrated probability), sector (16 classes), public service (公益) and articles
(one-vs-rest multi-label). For violation and sector, candidate linear models are compared by
cross-validation on the training split; the decision thresholds of the fused score are
chosen on out-of-fold predictions, also on the training split. The held-out split is only
ever evaluated. Training is deterministic: the same data and seed give the same artifact.
"""

from __future__ import annotations

import json
import platform
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
from scipy.sparse import csr_matrix
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import LinearSVC

from admon import settings
from models.corpus import CORPUS, corpus_hash, load_split, split_files
from models.features import FEATURES_VERSION, build_features
from rules.loader import ruleset_version

SEED = 20260401
PACKAGE_ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
MIN_ARTICLE_EXAMPLES = 5  # articles rarer than this in training are left to the rules

Candidate = Callable[[int], Any]
VIOLATION_CANDIDATES: dict[str, Candidate] = {
    "logreg": lambda seed: LogisticRegression(C=8.0, class_weight="balanced", max_iter=3000, random_state=seed),
    "linsvc-calibrated": lambda seed: CalibratedClassifierCV(
        LinearSVC(C=0.5, class_weight="balanced", random_state=seed), cv=3, method="sigmoid"),
}
CATEGORY_CANDIDATES: dict[str, Candidate] = {
    "logreg": lambda seed: LogisticRegression(C=12.0, max_iter=3000, random_state=seed),
    "linsvc-calibrated": lambda seed: CalibratedClassifierCV(LinearSVC(C=0.5, random_state=seed), cv=3),
}


@dataclass
class Artifact:
    """Fitted features and models, and their provenance."""

    version: str
    features: FeatureUnion
    violation: Any
    category: Any
    public: Any
    articles: OneVsRestClassifier | None
    article_labels: list[str]
    meta: dict[str, Any]


ThresholdChooser = Callable[[list[dict[str, Any]], dict[str, Any]], dict[str, float]]


def train(*, corpus: Path = CORPUS, seed: int = SEED, extra: list[dict[str, Any]] | None = None,
          choose_thresholds: ThresholdChooser | None = None) -> Artifact:
    """Fit every model on the training split (plus ``extra`` records, e.g. reviewers' feedback)."""
    files = split_files("train", corpus)
    records = load_split("train", corpus) + list(extra or [])
    texts = [r["text"] for r in records]
    features = build_features()
    matrix = csr_matrix(features.fit_transform(texts))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)

    violation_y = np.array([r["violation"] for r in records])
    violation_name, violation_scores, violation_oof = _select(VIOLATION_CANDIDATES, matrix, violation_y, folds,
                                                              seed, binary=True)
    violation = VIOLATION_CANDIDATES[violation_name](seed).fit(matrix, violation_y)
    oof = violation_oof[:, 1]  # classes sort False, True

    category_y = np.array([r["category"] for r in records])
    category_name, category_scores, _ = _select(CATEGORY_CANDIDATES, matrix, category_y, folds, seed, binary=False)
    category = CATEGORY_CANDIDATES[category_name](seed).fit(matrix, category_y)

    public_y = np.array([r["category"] == "公益" for r in records])
    public = LogisticRegression(C=8.0, class_weight="balanced", max_iter=3000, random_state=seed).fit(matrix, public_y)
    oof_public = cross_val_predict(LogisticRegression(C=8.0, class_weight="balanced", max_iter=3000, random_state=seed),
                                   matrix, public_y, cv=folds, method="predict_proba")[:, 1]

    counts: dict[str, int] = {}
    for record in records:
        for article in record.get("articles", []):
            counts[article] = counts.get(article, 0) + 1
    labels = sorted(a for a, n in counts.items() if n >= MIN_ARTICLE_EXAMPLES)
    articles = None
    oof_articles = np.zeros((len(records), len(labels)))
    if labels:
        binarizer = MultiLabelBinarizer(classes=labels)
        article_y = binarizer.fit_transform([[a for a in r.get("articles", []) if a in labels] for r in records])

        def article_model() -> OneVsRestClassifier:
            return OneVsRestClassifier(
                LogisticRegression(C=8.0, class_weight="balanced", max_iter=3000, random_state=seed))

        articles = article_model().fit(matrix, article_y)
        for fit_rows, test_rows in folds.split(matrix, violation_y):
            oof_articles[test_rows] = article_model().fit(matrix[fit_rows], article_y[fit_rows]).predict_proba(
                matrix[test_rows])

    data_hash = corpus_hash(files)
    meta: dict[str, Any] = {
        "data_hash": data_hash,
        "train_files": [str(p.relative_to(corpus)) for p in files],
        "train_size": len(records),
        "extra_records": len(extra or []),
        "seed": seed,
        "features_version": FEATURES_VERSION,
        "selection": {"violation": {"chosen": violation_name, "cv_f1": violation_scores},
                      "category": {"chosen": category_name, "cv_accuracy": category_scores}},
        "article_labels": labels,
        "trained_at": datetime.now(settings.TIMEZONE).isoformat(timespec="seconds"),
        "versions": {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
                     "numpy": np.__version__},
    }
    artifact = Artifact(
        version=f"clf-{data_hash[:10]}-{len(extra or [])}-s{seed}", features=features, violation=violation,
        category=category, public=public, articles=articles, article_labels=labels, meta=meta,
    )
    if choose_thresholds is not None:
        out_of_fold = {"violation": oof, "articles": oof_articles, "article_labels": labels, "public": oof_public}
        meta["thresholds"] = choose_thresholds(records, out_of_fold)
        # The thresholds weigh the default rule set's hits: a new rule set makes them stale.
        meta["thresholds_ruleset"] = ruleset_version()
    return artifact


def _select(candidates: dict[str, Candidate], matrix: csr_matrix, y: np.ndarray, folds: StratifiedKFold,
            seed: int, *, binary: bool) -> tuple[str, dict[str, float], np.ndarray]:
    """The candidate with the best cross-validated F1 (binary) or accuracy (multi-class), its
    scores, and the winner's out-of-fold probabilities (kept for threshold tuning)."""
    scores, probabilities = {}, {}
    classes = np.unique(y)
    for name, make in candidates.items():
        probabilities[name] = cross_val_predict(make(seed), matrix, y, cv=folds, method="predict_proba")
        # Both candidates predict the class of highest probability, so this equals predict().
        predicted = classes[np.argmax(probabilities[name], axis=1)]
        scores[name] = round(float(f1_score(y, predicted) if binary else accuracy_score(y, predicted)), 4)
    chosen = max(scores, key=lambda n: (scores[n], n == "logreg"))
    return chosen, scores, probabilities[chosen]


def artifact_dir(root: Path | None = None) -> Path:
    return root or settings.data_dir() / "models"


def save(artifact: Artifact, directory: Path | None = None) -> Path:
    """Save ``artifact`` under ``directory`` (default: DATA/models) and make it the current one."""
    directory = artifact_dir(directory)
    target = directory / artifact.version
    tmp = directory / f".{artifact.version}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    joblib.dump({"features": artifact.features, "violation": artifact.violation, "category": artifact.category,
                 "public": artifact.public, "articles": artifact.articles, "article_labels": artifact.article_labels},
                tmp / "model.joblib")
    (tmp / "meta.json").write_text(json.dumps({"version": artifact.version, **artifact.meta}, ensure_ascii=False,
                                              indent=2), encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    tmp.replace(target)
    (directory / "current.json").write_text(json.dumps({"version": artifact.version}), encoding="utf-8")
    return target


def load(directory: Path | None = None, *, corpus: Path = CORPUS) -> Artifact | None:
    """The current artifact in ``directory``; None if absent, stale (corpus or rule set changed) or from
    another sklearn."""
    directory = artifact_dir(directory)
    pointer = directory / "current.json"
    if not pointer.exists():
        return None
    version = json.loads(pointer.read_text(encoding="utf-8"))["version"]
    meta_path = directory / version / "meta.json"
    if not meta_path.exists():
        return None
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("versions", {}).get("scikit-learn") != sklearn.__version__:
        return None
    if meta.get("features_version") != FEATURES_VERSION:
        return None
    if "thresholds" in meta and meta.get("thresholds_ruleset") != ruleset_version():
        return None
    if meta.get("extra_records", 0) == 0 and meta.get("data_hash") != corpus_hash(split_files("train", corpus)):
        return None
    fitted = joblib.load(directory / version / "model.joblib")
    return Artifact(version=version, meta=meta, **fitted)
