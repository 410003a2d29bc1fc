"""The labelled corpus: ``models/corpus/{train,heldout}.jsonl`` plus ``{train,heldout}/*.jsonl``.

The held-out split is for evaluation only: nothing is fitted, selected or tuned on it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from rules.loader import ARTICLES, CATEGORIES

CORPUS = Path(__file__).resolve().parent / "corpus"
CHANNELS = ("web", "wechat", "ecommerce", "outdoor", "broadcast")


class CorpusError(ValueError):
    """A corpus line is malformed; the message names file and line."""


def split_files(split: str, root: Path = CORPUS) -> list[Path]:
    """The files of ``split`` ("train" or "heldout"), in a stable order."""
    files = [root / f"{split}.jsonl"] if (root / f"{split}.jsonl").exists() else []
    return files + sorted((root / split).glob("*.jsonl")) if (root / split).is_dir() else files


def load_split(split: str, root: Path = CORPUS) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for path in split_files(split, root):
        records.extend(load_corpus(path))
    return records


def load_corpus(path: Path) -> list[dict[str, Any]]:
    """Read one labelled JSONL file, validating every line."""
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{where}: invalid JSON: {exc.msg}") from None
        if not isinstance(record.get("text"), str) or not record["text"].strip():
            raise CorpusError(f"{where}: 'text' must be a non-empty string")
        if record.get("category") not in CATEGORIES:
            raise CorpusError(f"{where}: unknown category {record.get('category')!r}")
        if not isinstance(record.get("violation"), bool):
            raise CorpusError(f"{where}: 'violation' must be true or false")
        articles = record.setdefault("articles", [])
        if any(a not in ARTICLES for a in articles) or bool(articles) != record["violation"]:
            raise CorpusError(f"{where}: 'articles' must be valid codes, present exactly when violation is true")
        records.append(record)
    return records


def corpus_hash(paths: list[Path]) -> str:
    """SHA-256 over the files' names and bytes: the identity of the training data."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
