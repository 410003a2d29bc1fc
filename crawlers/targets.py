"""``targets.yaml``: what to monitor (design §4), validated on load."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from admon.datafile import read_yaml

KINDS = ("web", "wechat", "ecommerce", "outdoor", "broadcast")
REQUIRED = {
    "web": ("start_urls",),
    "wechat": (),
    "ecommerce": ("platform", "profile", "start_urls"),
    "outdoor": ("path",),
    "broadcast": ("path",),
}
KNOWN = {
    "name", "kind", "start_urls", "max_depth", "allowed_domains", "feed", "article_urls", "platform",
    "profile", "sample", "path", "obey_robots", "download_delay", "district", "advertiser",
}


class TargetError(ValueError):
    """``targets.yaml`` is malformed; the message says which target and why."""


@dataclass(frozen=True)
class Target:
    name: str
    kind: str
    config: dict[str, Any] = field(default_factory=dict)
    base_dir: Path = Path(".")

    def get(self, key: str, default: Any = None) -> Any:
        return self.config.get(key, default)

    def path(self, key: str) -> Path:
        """A path option, relative to the targets file's folder unless absolute."""
        value = Path(self.config[key])
        return value if value.is_absolute() else (self.base_dir / value)


def load_targets(path: Path | str) -> list[Target]:
    """Read and validate ``targets.yaml``; relative paths resolve against its folder."""
    path = Path(path)
    data = read_yaml(path, error=TargetError)
    if not isinstance(data, dict) or not isinstance(data.get("targets"), list):
        raise TargetError(f"{path}: expected a mapping with a 'targets' list")
    targets: list[Target] = []
    names: set[str] = set()
    for index, raw in enumerate(data["targets"], start=1):
        where = f"{path}: target #{index}"
        if not isinstance(raw, dict):
            raise TargetError(f"{where}: must be a mapping")
        name, kind = raw.get("name"), raw.get("kind")
        if not isinstance(name, str) or not name.strip():
            raise TargetError(f"{where}: 'name' is required")
        where = f"{path}: target {name!r}"
        if name in names:
            raise TargetError(f"{where}: duplicate name")
        names.add(name)
        if kind not in KINDS:
            raise TargetError(f"{where}: 'kind' must be one of {', '.join(KINDS)}, got {kind!r}")
        unknown = set(raw) - KNOWN
        if unknown:
            raise TargetError(f"{where}: unknown key {sorted(unknown)[0]!r}")
        for key in REQUIRED[kind]:
            if not raw.get(key):
                raise TargetError(f"{where}: a {kind} target needs {key!r}")
        if kind == "wechat" and not (raw.get("feed") or raw.get("article_urls")):
            raise TargetError(f"{where}: a wechat target needs 'feed' or 'article_urls'")
        if "start_urls" in raw and not (
            isinstance(raw["start_urls"], list) and all(isinstance(u, str) for u in raw["start_urls"])
        ):
            raise TargetError(f"{where}: 'start_urls' must be a list of URLs")
        config = {k: v for k, v in raw.items() if k not in ("name", "kind")}
        targets.append(Target(name=name, kind=kind, config=config, base_dir=path.parent.resolve()))
    return targets
