"""E-commerce platforms: a seeded random sample of merchants and of their items.

All selectors come from the platform's profile (``crawlers/profiles/*.yaml``). Sampling is
reproducible: the same seed gives the same merchants and items, and the sample drawn is
recorded in the crawl report.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse

from crawlers.profiles import Profile, load_profile
from crawlers.spiders.base import TargetSpider


class EcommerceSpider(TargetSpider):
    source_kind = "ecommerce"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.profile: Profile = load_profile(self.target.path("profile"))
        sample = self.target.get("sample") or {}
        self.merchants_wanted = int(sample.get("merchants", 20))
        self.items_wanted = int(sample.get("items_per_merchant", 5))
        self.seed = sample.get("seed", 0)
        self.sample: dict[str, list[str]] = {}

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.target.get("start_urls", []):
            yield scrapy.Request(url, callback=self.parse_merchant_list, errback=self.on_error,
                                 cb_kwargs={"found": []})

    def parse_merchant_list(self, response: Response, found: list[str]) -> Iterator[scrapy.Request]:
        """Collect every merchant over the list's pages, then draw the sample."""
        self.crawler.stats.inc_value("admon/pages")
        rules = self.profile.merchant_list
        found.extend(response.urljoin(u) for u in response.css(rules["item"]).getall())
        next_page = response.css(rules["next"]).get() if rules.get("next") else None
        if next_page:
            yield response.follow(next_page, callback=self.parse_merchant_list, errback=self.on_error,
                                  cb_kwargs={"found": found})
            return
        merchants = sorted(set(found))
        chosen = draw(merchants, self.merchants_wanted, f"{self.seed}:merchants")
        self.crawler.stats.set_value("admon/sample/merchants_listed", len(merchants))
        for url in chosen:
            self.sample[url] = []
            yield scrapy.Request(url, callback=self.parse_merchant, errback=self.on_error,
                                 cb_kwargs={"merchant_url": url, "products": []})

    def parse_merchant(self, response: Response, merchant_url: str, products: list[str]) -> Iterator[Any]:
        self.crawler.stats.inc_value("admon/pages")
        rules = self.profile.merchant
        name = (response.css(rules["name"]).get() or "").strip() or None
        products.extend(response.urljoin(u) for u in response.css(rules["products"]).getall())
        next_page = response.css(rules["next"]).get() if rules.get("next") else None
        if next_page:
            yield response.follow(next_page, callback=self.parse_merchant, errback=self.on_error,
                                  cb_kwargs={"merchant_url": merchant_url, "products": products})
            return
        chosen = draw(sorted(set(products)), self.items_wanted, f"{self.seed}:{merchant_url}")
        self.sample[merchant_url] = chosen
        self.crawler.stats.set_value("admon/sample/drawn", self.sample)
        for url in chosen:
            yield scrapy.Request(url, callback=self.parse_product, errback=self.on_error,
                                 cb_kwargs={"merchant": name})

    def parse_product(self, response: Response, merchant: str | None) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            self.count_error("not_html")
            return
        self.crawler.stats.inc_value("admon/pages")
        rules = self.profile.product
        title = (response.css(rules["title"]).get() or "").strip() or None
        price = (response.css(rules["price"]).get() or "").strip() or None if rules.get("price") else None
        selectors = rules["text"] if isinstance(rules["text"], list) else [rules["text"]]
        text = " ".join(" ".join(t.strip() for t in response.css(s).getall() if t.strip()) for s in selectors)
        yield self.item(response, text=text.strip(), title=title, price=price, merchant=merchant,
                        advertiser=merchant, platform=self.profile.platform, labelled_as_ad=None)


def draw(population: list[str], k: int, seed: str) -> list[str]:
    """A reproducible sample of ``k`` (or all, if fewer) in the population's order."""
    if len(population) <= k:
        return list(population)
    chosen = set(random.Random(seed).sample(population, k))
    return [p for p in population if p in chosen]
