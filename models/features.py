"""Features for the classifier: jieba words and character n-grams of the normalised text.

Both run on text normalised by the rule layer (full width, traditional, separators), so that
an evasive spelling and the plain one give the same features; character n-grams also keep
most of an evasion that survives normalisation (治yu shares 治 with 治愈).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import jieba
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from rules.normalize import normalize

USER_DICT = Path(__file__).resolve().parent / "userdict.txt"
# Bump when tokenising or normalising changes: artifacts fitted with another version are stale.
FEATURES_VERSION = "2"
jieba.setLogLevel(logging.WARNING)


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(str(USER_DICT))
    return tokenizer


def normalized_text(text: str) -> str:
    """The text as the rules see it (module-level so fitted vectorizers pickle)."""
    return normalize(text).text


def words(text: str) -> list[str]:
    """jieba word tokens of normalised text, punctuation and single Latin letters dropped."""
    return [
        # HMM off: the user dictionary names the domain's words; HMM guessing of unknown words
        # costs a quarter of tokenising time and adds little to a linear model.
        w for w in _tokenizer().lcut(normalized_text(text), HMM=False)
        if w.strip() and not (len(w) == 1 and not ("\u4e00" <= w <= "\u9fff" or w.isdigit()))
    ]


def build_features() -> FeatureUnion:
    """An unfitted union of jieba word and character 1–3-gram TF-IDF features."""
    return FeatureUnion(
        [
            ("words", TfidfVectorizer(analyzer=words, sublinear_tf=True, min_df=1)),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char", ngram_range=(1, 3), preprocessor=normalized_text,
                    sublinear_tf=True, min_df=2, max_features=60_000,
                ),
            ),
        ]
    )
