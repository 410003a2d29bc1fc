"""Web pages: ad units in their slots, ad frames, advertorials, and each ad's landing page."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse

from crawlers.adfinder import element_text, find_ads, load_knowledge, strip_label
from crawlers.spiders.base import TargetSpider

MAIN_CONTENT = ("//article", "//main", "//*[@id='content']", "//*[contains(@class,'article')]",
                "//*[contains(@class,'content')]", "//body")


class WebSpider(TargetSpider):
    source_kind = "web"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.target.get("start_urls", []):
            yield scrapy.Request(url, callback=self.parse_page, errback=self.on_error,
                                 cb_kwargs={"depth_left": int(self.target.get("max_depth", 1))})

    def parse_page(self, response: Response, depth_left: int) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            self.count_error("not_html")
            return
        self.crawler.stats.inc_value("admon/pages")
        root = response.selector.root
        page = find_ads(root, response.url)
        title = page_title(response)
        if page.advertorial:
            # First, so that a label-found unit covering the same article dedupes into it.
            yield self.item(response, text=main_text(response), title=title, advertorial=True,
                            labelled_as_ad=page.advertorial_labelled, district=self.target.get("district"))
        for unit in page.units:
            yield self.item(response, text=unit.text, title=title, landing_url=unit.link,
                            labelled_as_ad=unit.labelled, district=self.target.get("district"))
            if unit.link:
                yield self.landing_request(unit.link)
        for frame in page.frames:
            yield scrapy.Request(frame, callback=self.parse_frame, errback=self.on_error)
        if depth_left > 0:
            for href in response.css("a::attr(href)").getall():
                if href.startswith(("javascript:", "mailto:", "tel:", "#")):
                    continue
                yield response.follow(href, callback=self.parse_page, errback=self.on_error,
                                      cb_kwargs={"depth_left": depth_left - 1})

    def parse_frame(self, response: Response) -> Iterator[Any]:
        """An ad-network frame: its whole document is one ad unit."""
        if not isinstance(response, TextResponse):
            return
        self.crawler.stats.inc_value("admon/pages")
        root = response.selector.root
        body = root.find("body")
        text = element_text(body if body is not None else root)
        link = response.css("a::attr(href)").get()
        landing = response.urljoin(link) if link else None
        labels = load_knowledge().labels
        stripped = strip_label(text, labels)
        labelled, text = stripped != text, stripped
        yield self.item(response, text=text, landing_url=landing, labelled_as_ad=labelled,
                        district=self.target.get("district"))
        if landing:
            yield self.landing_request(landing)

    def landing_request(self, url: str) -> scrapy.Request:
        # One hop only, and off the target's domains if need be: the landing page is evidence.
        return scrapy.Request(url, callback=self.parse_landing, errback=self.on_error,
                              meta={"allow_offsite": True})

    def parse_landing(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            self.count_error("not_html")
            return
        self.crawler.stats.inc_value("admon/landing_pages")
        yield self.item(response, text=main_text(response), title=page_title(response),
                        district=self.target.get("district"))


def page_title(response: TextResponse) -> str | None:
    title = response.css("h1::text").get() or response.css("title::text").get()
    return title.strip() if title else None


def main_text(response: TextResponse) -> str:
    """The text of the page's main content block (the longest of the usual containers)."""
    best = ""
    root = response.selector.root
    for xpath in MAIN_CONTENT:
        for element in root.xpath(xpath):
            text = element_text(element)
            if len(text) > len(best) and (xpath != "//body" or not best):
                best = text
    return best
