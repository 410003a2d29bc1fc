"""Find the ad units on a page the way a reader would see them.

Signals, strongest first: a filter list's element-hiding rules (ad-slot classes and ids),
our own selectors for pop-ups, a visible "广告"/"推广" label, and ad-network frames. A
whole page can also be an advertorial (软文). Pure functions over an lxml tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin, urlparse

import yaml
from cssselect import GenericTranslator
from lxml import etree, html

from crawlers.easylist import FilterList, load_filter_list, matching_elements

ADSLOTS = Path(__file__).resolve().parent / "data" / "adslots.yaml"
SKIP_TAGS = {"script", "style", "noscript", "template", "head", "title"}
MIN_AD_TEXT = 4
MAX_UNIT_TEXT = 400  # longer than any slot's copy: an article, not an ad unit
SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class AdSlotKnowledge:
    labels: frozenset[str]
    selectors: tuple[tuple[str, etree.XPath], ...]
    frame_hosts: tuple[str, ...]
    frame_paths: tuple[str, ...]
    advertorial_markers: tuple[str, ...]


@dataclass
class AdUnit:
    text: str
    link: str | None
    labelled: bool
    reasons: list[str] = field(default_factory=list)


@dataclass
class PageAds:
    units: list[AdUnit]
    frames: list[str]  # ad-frame URLs whose documents are ads themselves
    advertorial: bool
    advertorial_labelled: bool


@lru_cache(maxsize=2)
def load_knowledge(path: Path = ADSLOTS) -> AdSlotKnowledge:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    translator = GenericTranslator()
    selectors = tuple((s, etree.XPath(translator.css_to_xpath(s))) for s in data.get("selectors", []))
    return AdSlotKnowledge(
        labels=frozenset(data.get("labels", [])),
        selectors=selectors,
        frame_hosts=tuple(data.get("frame_hosts", [])),
        frame_paths=tuple(data.get("frame_paths", [])),
        advertorial_markers=tuple(data.get("advertorial_markers", [])),
    )


def element_text(element: etree._Element) -> str:
    """Visible text of ``element``, whitespace collapsed."""
    parts: list[str] = []
    for node in element.iter():
        if not isinstance(node.tag, str) or node.tag in SKIP_TAGS:
            continue
        if node.text:
            parts.append(node.text)
        for child in node:
            if child.tail and isinstance(child.tag, str) and child.tag not in SKIP_TAGS:
                parts.append(child.tail)
    return SPACES.sub(" ", " ".join(parts)).strip()


def parse_html(body: str) -> etree._Element:
    return html.document_fromstring(body or "<html></html>")


def find_ads(
    root: etree._Element,
    url: str,
    *,
    filters: FilterList | None = None,
    knowledge: AdSlotKnowledge | None = None,
) -> PageAds:
    """The ad units, ad frames and advertorial status of the page ``root`` fetched from ``url``."""
    filters = filters if filters is not None else load_filter_list()
    knowledge = knowledge or load_knowledge()
    host = urlparse(url).hostname or ""
    candidates: dict[etree._Element, list[str]] = {}
    for element, selector in matching_elements(filters, root, host):
        candidates.setdefault(element, []).append(f"filter:{selector}")
    for selector, xpath in knowledge.selectors:
        for element in xpath(root):
            candidates.setdefault(element, []).append(f"selector:{selector}")
    for label in _label_nodes(root, knowledge.labels):
        block = _block_of(label)
        if block is not None:
            candidates.setdefault(block, []).append(f"label:{element_text(label)}")
    frames = []
    for frame in root.iter("iframe"):
        src = frame.get("src")
        if src and _is_ad_frame(urljoin(url, src), knowledge):
            frames.append(urljoin(url, src))
    units = []
    for element in _outermost(candidates):
        text = element_text(element) or _image_text(element)
        lazy = element.get("data-src") or element.get("data-url")
        if not text.strip() and lazy:
            # An empty slot filled by script later: its content is the document it names.
            frames.append(urljoin(url, lazy))
            continue
        if len(text) < MIN_AD_TEXT:
            continue
        link = next((a.get("href") for a in element.iter("a") if _is_link(a.get("href"))), None)
        units.append(
            AdUnit(
                text=strip_label(text, knowledge.labels),
                link=urljoin(url, link) if link else None,
                labelled=_is_labelled(element, knowledge.labels),
                reasons=candidates[element],
            )
        )
    page_text = element_text(root)
    advertorial = any(marker in page_text for marker in knowledge.advertorial_markers)
    return PageAds(units, frames, advertorial, advertorial and _title_labelled(root, knowledge.labels))


def _image_text(element: etree._Element) -> str:
    """A banner that is only an image speaks through its alt or title text."""
    texts = [img.get("alt") or img.get("title") or "" for img in element.iter("img")]
    return SPACES.sub(" ", " ".join(t for t in texts if t.strip())).strip()


def _is_link(href: str | None) -> bool:
    return bool(href) and not href.startswith(("javascript:", "#", "mailto:", "tel:"))


def _label_nodes(root: etree._Element, labels: frozenset[str]) -> list[etree._Element]:
    found = []
    for element in root.iter(etree.Element):
        if element.tag in SKIP_TAGS or len(element):
            continue
        text = (element.text or "").strip()
        if text in labels:
            found.append(element)
    return found


def _block_of(label: etree._Element) -> etree._Element | None:
    """The nearest ancestor of a label that holds the ad's copy (not just the label)."""
    node = label.getparent()
    while node is not None and node.tag not in ("body", "html"):
        text = element_text(node)
        if len(text) >= len(element_text(label)) + MIN_AD_TEXT:
            # A label whose block is a whole article labels the page (an advertorial), not a slot.
            if len(text) > MAX_UNIT_TEXT or next(node.iter("h1"), None) is not None:
                return None
            return node
        node = node.getparent()
    return None


def _outermost(candidates: dict[etree._Element, list[str]]) -> list[etree._Element]:
    chosen = set(candidates)
    kept = []
    for element in candidates:
        if any(ancestor in chosen for ancestor in element.iterancestors()):
            continue
        kept.append(element)
    # Inner signals (a label inside a filter-list slot) still count for the outer unit.
    for element in candidates:
        for ancestor in element.iterancestors():
            if ancestor in kept and ancestor is not element:
                candidates[ancestor].extend(r for r in candidates[element] if r not in candidates[ancestor])
                break
    return kept


def _is_labelled(element: etree._Element, labels: frozenset[str]) -> bool:
    nodes = list(element.iter(etree.Element))
    parent = element.getparent()
    if parent is not None:
        # A label just before the slot (a heading "广告" over a banner) labels it too.
        previous = element.getprevious()
        if previous is not None:
            nodes.append(previous)
    return any((n.text or "").strip() in labels for n in nodes if n.tag not in SKIP_TAGS)


def _title_labelled(root: etree._Element, labels: frozenset[str]) -> bool:
    for heading in root.iter("h1", "h2"):
        around = [heading, *heading.itersiblings(), *heading.itersiblings(preceding=True)]
        for node in around[:6]:
            for child in node.iter(etree.Element):
                if (child.text or "").strip() in labels:
                    return True
    return False


def strip_label(text: str, labels: frozenset[str]) -> str:
    """``text`` without a leading or trailing ad label ("广告 …", "… 推广")."""
    for label in sorted(labels, key=len, reverse=True):
        if text.startswith(label + " "):
            return text[len(label) + 1 :].strip()
        if text.endswith(" " + label):
            return text[: -len(label) - 1].strip()
    return text


def _is_ad_frame(src: str, knowledge: AdSlotKnowledge) -> bool:
    parsed = urlparse(src)
    host = parsed.hostname or ""
    if any(host == h or host.endswith("." + h) for h in knowledge.frame_hosts):
        return True
    return any(parsed.path.startswith(p) or f"/{p.strip('/')}/" in parsed.path for p in knowledge.frame_paths)
