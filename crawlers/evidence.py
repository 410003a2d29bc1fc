"""Evidence storage: raw bodies as fetched, content-addressed by SHA-256."""

from __future__ import annotations

import hashlib
from pathlib import Path


def store(body: bytes, root: Path, *, suffix: str = ".html") -> tuple[str, str]:
    """Write ``body`` under ``root`` once; return (path relative to root, sha256)."""
    digest = hashlib.sha256(body).hexdigest()
    relative = Path("evidence") / digest[:2] / f"{digest}{suffix}"
    target = root / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".part")
        tmp.write_bytes(body)
        tmp.replace(target)
    return relative.as_posix(), digest
