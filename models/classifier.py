"""Predict with the current artifact; train one from the bundled corpus if none fits."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from models import train as training


@dataclass(frozen=True)
class Prediction:
    p_violation: float
    category: str
    category_p: float
    p_public: float = 0.0
    articles: dict[str, float] = field(default_factory=dict)
    top_features: list[str] = field(default_factory=list)
    ranked_categories: list[str] = field(default_factory=list)  # most likely first


class Classifier:
    """The fitted models of one artifact."""

    def __init__(self, artifact: training.Artifact) -> None:
        self.artifact = artifact
        self.version = artifact.version
        self._feature_names = np.array(
            [name.split("__", 1)[1] for name in artifact.features.get_feature_names_out()], dtype=object
        )
        self._violation_weights = _linear_weights(artifact.violation)

    @property
    def thresholds(self) -> dict[str, float]:
        """Decision thresholds chosen on out-of-fold training predictions (empty if none)."""
        return dict(self.artifact.meta.get("thresholds", {}))

    def predict(self, texts: list[str], *, explain: int = 3) -> list[Prediction]:
        """Probabilities of violation, sector, public service and each article, with top features."""
        if not texts:
            return []
        art = self.artifact
        matrix = art.features.transform(texts)
        p_violation = art.violation.predict_proba(matrix)[:, list(art.violation.classes_).index(True)]
        category_p = art.category.predict_proba(matrix)
        classes = art.category.classes_
        p_public = art.public.predict_proba(matrix)[:, list(art.public.classes_).index(True)]
        article_p = art.articles.predict_proba(matrix) if art.articles is not None else None
        contributions = matrix.multiply(self._violation_weights).tocsr()
        out = []
        for row, p in enumerate(p_violation):
            start, end = contributions.indptr[row], contributions.indptr[row + 1]
            values, columns = contributions.data[start:end], contributions.indices[start:end]
            order = np.argsort(-values)[:explain]
            top = [str(self._feature_names[columns[i]]) for i in order if values[i] > 0]
            best = int(np.argmax(category_p[row]))
            articles = ({label: round(float(article_p[row][i]), 4) for i, label in enumerate(art.article_labels)}
                        if article_p is not None else {})
            ranked = [str(classes[i]) for i in np.argsort(-category_p[row])]
            out.append(Prediction(round(float(p), 4), str(classes[best]), round(float(category_p[row][best]), 4),
                                  round(float(p_public[row]), 4), articles, top, ranked))
        return out


def _linear_weights(model: object) -> np.ndarray:
    """Per-feature weights of a linear model (averaged over calibration folds), for explanations."""
    if hasattr(model, "coef_"):
        return np.asarray(model.coef_[0])
    estimators = [c.estimator for c in getattr(model, "calibrated_classifiers_", [])]
    return np.mean([np.asarray(e.coef_[0]) for e in estimators], axis=0)


@lru_cache(maxsize=1)
def load_classifier() -> Classifier:
    """The current classifier: the data folder's (retrained), else the package default.

    The package default is built by ``make setup``; if it is missing or stale (the corpus
    changed), it is trained here once, which takes well under two minutes.
    """
    from models.tuning import choose_thresholds

    artifact = training.load() or training.load(training.PACKAGE_ARTIFACTS)
    if artifact is None:
        print("admon: training the default classifier from the bundled corpus…", file=sys.stderr)
        artifact = training.train(choose_thresholds=choose_thresholds)
        training.save(artifact, training.PACKAGE_ARTIFACTS)
    return Classifier(artifact)
