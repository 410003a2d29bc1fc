"""Predict with the current artifact, training one from the bundled corpus if none exists."""

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
    top_features: list[str] = field(default_factory=list)


class Classifier:
    """The fitted violation and category models of one artifact."""

    def __init__(self, artifact: training.Artifact) -> None:
        self.artifact = artifact
        self.version = artifact.version
        features = artifact.violation.named_steps["features"]
        self._feature_names = np.array(
            [name.split("__", 1)[1] for name in features.get_feature_names_out()], dtype=object
        )

    def predict(self, texts: list[str], *, explain: int = 3) -> list[Prediction]:
        """Violation probability, sector and the ``explain`` features that pushed hardest to flag."""
        if not texts:
            return []
        features = self.artifact.violation.named_steps["features"]
        model = self.artifact.violation.named_steps["model"]
        matrix = features.transform(texts)
        p_violation = model.predict_proba(matrix)[:, list(model.classes_).index(True)]
        contributions = matrix.multiply(model.coef_[0]).tocsr()
        category_model = self.artifact.category
        category_p = category_model.predict_proba(texts)
        classes = category_model.named_steps["model"].classes_
        out = []
        for row, p in enumerate(p_violation):
            start, end = contributions.indptr[row], contributions.indptr[row + 1]
            values, columns = contributions.data[start:end], contributions.indices[start:end]
            order = np.argsort(-values)[:explain]
            top = [str(self._feature_names[columns[i]]) for i in order if values[i] > 0]
            best = int(np.argmax(category_p[row]))
            out.append(Prediction(round(float(p), 4), str(classes[best]), round(float(category_p[row][best]), 4), top))
        return out


@lru_cache(maxsize=1)
def load_classifier() -> Classifier:
    """The current classifier; the first call on a fresh machine trains it (a few seconds)."""
    artifact = training.load()
    if artifact is None:
        print("admon: no trained classifier yet; training one from the bundled corpus…", file=sys.stderr)
        artifact = training.train()
        training.save(artifact)
    return Classifier(artifact)
