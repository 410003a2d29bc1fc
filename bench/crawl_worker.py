"""One crawl benchmark run in its own process (Scrapy's reactor starts once per process).

``python -m bench.crawl_worker admon|scrapy-default BASE_URL OUT_DIR`` prints JSON.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor
from scrapy.settings import Settings


class PlainSpider(scrapy.Spider):
    """What a Scrapy user writes first: follow every link, yield nothing clever."""

    name = "plain"

    def __init__(self, start: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.start_urls = [start]
        self.links = LinkExtractor(allow=r"/p/")

    def parse(self, response):  # noqa: ANN001, ANN201 - Scrapy callback
        self.crawler.stats.inc_value("admon/pages")
        for link in self.links.extract_links(response):
            yield response.follow(link.url, callback=self.parse)


def main() -> None:
    mode, base, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    settings = Settings()
    if mode == "admon":
        from crawlers import settings as crawler_settings
        from crawlers.run import _spider_for
        from crawlers.targets import Target

        settings.setmodule(crawler_settings, priority="project")
        settings.set("ADMON_OUT_DIR", str(out), priority="project")
        settings.set("HTTPCACHE_ENABLED", False, priority="project")
        settings.set("AUTOTHROTTLE_ENABLED", False, priority="project")
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", 16, priority="project")
        out.mkdir(parents=True, exist_ok=True)
        (out / "items.jsonl").write_text("", encoding="utf-8")
        # An authorised-monitoring target: no delay, robots off, deep enough for the whole tree.
        target = Target("bench", "web", {"start_urls": [f"{base}/p/0.html"], "max_depth": 10,
                                         "obey_robots": False, "download_delay": 0})
        spider_cls, kwargs = _spider_for(target), {"target": target}
    else:
        spider_cls, kwargs = PlainSpider, {"start": f"{base}/p/0.html"}
    settings.set("LOG_LEVEL", "ERROR")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider_cls)
    process.crawl(crawler, **kwargs)
    started = time.perf_counter()
    process.start()
    seconds = time.perf_counter() - started
    stats = crawler.stats.get_stats()
    responses = int(stats.get("downloader/response_count", 0))
    print(json.dumps({"mode": mode, "pages": int(stats.get("admon/pages", 0)), "responses": responses,
                      "items": int(stats.get("item_scraped_count", 0)), "seconds": round(seconds, 2),
                      "pages_per_s": round(responses / seconds, 1)}))


if __name__ == "__main__":
    main()
