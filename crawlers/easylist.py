"""Read the element-hiding rules of an Adblock Plus filter list (EasyList China) as data.

Only cosmetic rules matter here: ``##sel`` (every site), ``a.com,b.com##sel`` (those sites),
``~a.com##sel`` (every site but a.com) and ``#@#sel`` exceptions. Network rules and
extended syntax (``#?#``, ``#$#``, ``:-abp-…``) are skipped: they block requests or need a
live browser, neither of which helps find ad text in a fetched page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cssselect import GenericTranslator, SelectorError
from lxml import etree

DEFAULT_LIST = Path(__file__).resolve().parent / "data" / "easylistchina.txt"
SIMPLE = re.compile(r"^([.#])([A-Za-z0-9_-]+)$")
TOKEN = re.compile(r"([.#])([A-Za-z_-][A-Za-z0-9_-]*)")
NEGATION = re.compile(r":not\([^)]*\)")
ATTRIBUTE = re.compile(r"\[[^\]]*\]")
_translator = GenericTranslator()


@dataclass
class HidingRule:
    selector: str
    include: frozenset[str] = frozenset()  # domains it is limited to (empty: all)
    exclude: frozenset[str] = frozenset()  # domains it does not apply to

    def applies(self, host: str) -> bool:
        if any(_on_domain(host, d) for d in self.exclude):
            return False
        return not self.include or any(_on_domain(host, d) for d in self.include)


@dataclass(frozen=True)
class ComplexRule:
    """A selector that needs XPath, and the classes and ids a page must have for it to match."""

    rule: HidingRule
    xpath: etree.XPath
    classes: frozenset[str]
    ids: frozenset[str]


@dataclass
class FilterList:
    """Element-hiding rules indexed for a fast page scan."""

    classes: dict[str, list[HidingRule]] = field(default_factory=dict)
    ids: dict[str, list[HidingRule]] = field(default_factory=dict)
    complex: list[ComplexRule] = field(default_factory=list)
    exceptions: list[HidingRule] = field(default_factory=list)
    skipped: int = 0

    def __len__(self) -> int:
        return sum(map(len, self.classes.values())) + sum(map(len, self.ids.values())) + len(self.complex)

    def excepted(self, selector: str, host: str) -> bool:
        return any(r.selector == selector and r.applies(host) for r in self.exceptions)


def parse_filter_list(text: str) -> FilterList:
    """Index the cosmetic rules of a filter list's text."""
    filters = FilterList()
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("!", "[")):
            continue
        if "#@#" in line:
            domains, selector = line.split("#@#", 1)
            filters.exceptions.append(_rule(domains, selector))
            continue
        if "##" not in line or "#?#" in line or "#$#" in line:
            continue
        domains, selector = line.split("##", 1)
        if not selector or ":-abp-" in selector or ":has-text" in selector or ":style(" in selector:
            filters.skipped += 1
            continue
        rule = _rule(domains, selector)
        simple = SIMPLE.match(selector)
        if simple:
            index = filters.classes if simple.group(1) == "." else filters.ids
            index.setdefault(simple.group(2), []).append(rule)
            continue
        try:
            xpath = etree.XPath(_translator.css_to_xpath(selector))
        except (SelectorError, etree.XPathError, ValueError):
            filters.skipped += 1
            continue
        filters.complex.append(ComplexRule(rule, xpath, *_required_tokens(selector)))
    return filters


def _required_tokens(selector: str) -> tuple[frozenset[str], frozenset[str]]:
    """Classes and ids that any element matching ``selector`` implies are on the page.

    Tokens inside :not(…) and attribute brackets are not required; a selector list (a, b)
    requires nothing, since either part may match alone.
    """
    if "," in ATTRIBUTE.sub("", selector):
        return frozenset(), frozenset()
    plain = ATTRIBUTE.sub("", NEGATION.sub("", selector))
    tokens = TOKEN.findall(plain)
    return (frozenset(name for kind, name in tokens if kind == "."),
            frozenset(name for kind, name in tokens if kind == "#"))


@lru_cache(maxsize=2)
def load_filter_list(path: Path = DEFAULT_LIST) -> FilterList:
    return parse_filter_list(path.read_text(encoding="utf-8"))


def matching_elements(filters: FilterList, root: etree._Element, host: str) -> list[tuple[etree._Element, str]]:
    """Elements of the document ``root`` that the list would hide on ``host``, with the selector."""
    found: list[tuple[etree._Element, str]] = []
    page_classes: set[str] = set()
    page_ids: set[str] = set()
    for element in root.iter(etree.Element):
        for name in (element.get("class") or "").split():
            page_classes.add(name)
            for rule in filters.classes.get(name, ()):
                if rule.applies(host) and not filters.excepted(rule.selector, host):
                    found.append((element, rule.selector))
                    break
        element_id = element.get("id")
        if element_id:
            page_ids.add(element_id)
            for rule in filters.ids.get(element_id, ()):
                if rule.applies(host) and not filters.excepted(rule.selector, host):
                    found.append((element, rule.selector))
                    break
    for entry in filters.complex:
        # Most complex selectors name a class or id the page lacks: skip their XPath entirely.
        if not (entry.classes <= page_classes and entry.ids <= page_ids):
            continue
        rule = entry.rule
        if not rule.applies(host) or filters.excepted(rule.selector, host):
            continue
        found.extend((element, rule.selector) for element in entry.xpath(root) if isinstance(element, etree._Element))
    return found


def _rule(domains: str, selector: str) -> HidingRule:
    include, exclude = set(), set()
    for domain in filter(None, (d.strip() for d in domains.split(","))):
        (exclude if domain.startswith("~") else include).add(domain.lstrip("~"))
    return HidingRule(selector.strip(), frozenset(include), frozenset(exclude))


def _on_domain(host: str, domain: str) -> bool:
    if domain.endswith(".*"):  # ABP's "any TLD" form, e.g. subhd.*
        stem = domain[:-2]
        return host == stem or host.startswith(stem + ".") or f".{stem}." in f".{host}"
    return host == domain or host.endswith("." + domain)
