"""What every target spider shares: its target, item building and error accounting."""

from __future__ import annotations

from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawlers.items import AdItem
from crawlers.targets import Target


class TargetSpider(scrapy.Spider):
    """A spider bound to one target of ``targets.yaml``."""

    source_kind = ""

    def __init__(self, target: Target, **kwargs: Any) -> None:
        super().__init__(name=f"{self.source_kind}:{target.name}", **kwargs)
        self.target = target
        domains = target.get("allowed_domains")
        if domains:
            self.allowed_domains = list(domains)

    def item(self, response: Response, **fields: Any) -> AdItem:
        """An item carrying the response body as its evidence."""
        fields.setdefault("url", response.url)
        return AdItem(source_kind=self.source_kind, source=self.target.name, body=response.body, **fields)

    def count_error(self, kind: str) -> None:
        self.crawler.stats.inc_value(f"admon/errors/{kind}")

    def on_error(self, failure: Failure) -> None:
        """Errback: count the failure by kind and go on with the rest of the target."""
        response = getattr(failure.value, "response", None)
        if response is not None:
            self.count_error(f"http_{response.status}")
        else:
            self.count_error(type(failure.value).__name__)
        self.logger.warning("%s: %s", failure.request.url if hasattr(failure, "request") else "?", failure.value)
