"""WeChat public accounts: a feed (RSS 2.0 or Atom, as WeChat-to-RSS bridges write them) or
listed article URLs → article pages with mp.weixin.qq.com's structure."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse

from crawlers.adfinder import element_text, load_knowledge
from crawlers.spiders.base import TargetSpider

PUBLISH_TIME = re.compile(r"""var\s+ct\s*=\s*["']?(\d{9,11})""")


class WeChatSpider(TargetSpider):
    source_kind = "wechat"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        feed = self.target.get("feed")
        if feed:
            yield scrapy.Request(feed, callback=self.parse_feed, errback=self.on_feed_error)
        for url in self.target.get("article_urls") or []:
            yield scrapy.Request(url, callback=self.parse_article, errback=self.on_error)

    def on_feed_error(self, failure: Any) -> None:
        # An expired or blocked feed is reported for this target; the run goes on.
        self.count_error("feed_unavailable")
        self.on_error(failure)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        if not isinstance(response, TextResponse):
            self.count_error("feed_unreadable")
            return
        links = response.xpath("//item/link/text()").getall()
        links += response.xpath("//*[local-name()='entry']/*[local-name()='link']/@href").getall()
        links = [link.strip() for link in links if link.strip()]
        if not links:
            self.count_error("feed_empty")
        for link in dict.fromkeys(links):
            yield response.follow(link, callback=self.parse_article, errback=self.on_error)

    def parse_article(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            self.count_error("not_html")
            return
        self.crawler.stats.inc_value("admon/pages")
        content = response.css("#js_content")
        if not content:
            self.count_error("not_an_article")
            return
        title = (response.css("#activity-name::text").get() or "").strip() or None
        account = (response.css("#js_name::text").get() or "").strip() or None
        text = element_text(content[0].root)
        labels = load_knowledge().labels
        labelled = any((t or "").strip() in labels for t in content.css("*::text").getall()[:5] + [title or ""])
        yield self.item(response, text=text, title=title, merchant=account, platform="wechat",
                        labelled_as_ad=labelled)
        published = PUBLISH_TIME.search(response.text)
        if published:
            self.crawler.stats.max_value("admon/latest_article_ct", int(published.group(1)))
