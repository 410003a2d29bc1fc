"""Keep a crawler alive while other workers may still feed the shared Redis queue.

With scrapy-redis, a worker whose local view is empty would close at once — even though
another worker is about to push the links of the page it is downloading. A worker therefore
closes only after the shared queue has stayed empty for ``REDIS_IDLE_CLOSE_SECONDS``.
"""

from __future__ import annotations

import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured


class SharedQueueIdle:
    def __init__(self, crawler: Any, limit: float) -> None:
        self.crawler, self.limit = crawler, limit
        self.empty_since: float | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> SharedQueueIdle:
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured
        extension = cls(crawler, crawler.settings.getfloat("REDIS_IDLE_CLOSE_SECONDS", 12.0))
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        return extension

    def spider_idle(self, spider: Any) -> None:
        # The engine's slot is not public API; Scrapy 2.13+ names it _slot, older versions slot.
        slot = getattr(self.crawler.engine, "_slot", None) or getattr(self.crawler.engine, "slot", None)
        scheduler = getattr(slot, "scheduler", None)
        if scheduler is not None and scheduler.has_pending_requests():
            self.empty_since = None
            raise DontCloseSpider
        now = time.monotonic()
        if self.empty_since is None:
            self.empty_since = now
        if now - self.empty_since < self.limit:
            raise DontCloseSpider
