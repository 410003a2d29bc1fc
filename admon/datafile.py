"""Reading YAML data files (rules, targets, profiles, thresholds) with errors that say where."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def read_yaml(path: Path, *, error: type[ValueError], missing: str = "file not found") -> Any:
    """Parse ``path``; a missing file or bad YAML raises ``error`` naming the file (and line)."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"{path}: {missing}") from None
    except yaml.YAMLError as exc:
        raise error(f"{path}: invalid YAML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text (byte {exc.start})") from None
