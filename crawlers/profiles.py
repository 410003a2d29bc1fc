"""E-commerce extraction profiles: one YAML file of CSS selectors per platform (design §4)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from parsel import Selector

from admon.datafile import read_yaml

PROFILES = Path(__file__).resolve().parent / "profiles"
SECTIONS = {
    "merchant_list": {"item": True, "next": False},
    "merchant": {"name": True, "products": True, "next": False},
    "product": {"title": True, "price": False, "text": True, "images": False},
}


class ProfileError(ValueError):
    """A profile is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class Profile:
    platform: str
    merchant_list: dict[str, str]
    merchant: dict[str, str]
    product: dict[str, str | list[str]]


def load_profile(path: Path | str) -> Profile:
    """Read a profile and check that every selector is present and valid CSS."""
    path = Path(path)
    if not path.is_absolute() and not path.exists():
        path = PROFILES / path.name
    data = read_yaml(path, error=ProfileError, missing="profile not found")
    if not isinstance(data, dict) or not isinstance(data.get("platform"), str):
        raise ProfileError(f"{path}: needs 'platform'")
    probe = Selector(text="<html></html>")
    sections = {}
    for section, keys in SECTIONS.items():
        values = data.get(section)
        if not isinstance(values, dict):
            raise ProfileError(f"{path}: '{section}' must be a mapping of selectors")
        unknown = set(values) - set(keys)
        if unknown:
            raise ProfileError(f"{path}: {section}: unknown key {sorted(unknown)[0]!r}")
        for key, required in keys.items():
            if required and not values.get(key):
                raise ProfileError(f"{path}: {section}.{key} is required")
        for key, selector in values.items():
            for css in selector if isinstance(selector, list) else [selector]:
                try:
                    probe.css(css)
                except Exception as exc:  # cssselect raises several types
                    raise ProfileError(f"{path}: {section}.{key}: invalid selector {css!r}: {exc}") from None
        sections[section] = values
    return Profile(platform=data["platform"], **sections)
