"""What every target spider shares: its target, item building and error accounting."""

from __future__ import annotations

from typing import Any

import scrapy
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, IgnoreRequest
from scrapy.http import Response
from twisted.internet.defer import CancelledError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TCPTimedOutError, TimeoutError
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
        self.count_error(error_kind(failure))
        request = getattr(failure, "request", None)
        self.logger.warning("%s: %s", request.url if request else "?", failure.value)


def error_kind(failure: Failure) -> str:
    """A short, stable name for why a request failed, for the per-target report."""
    error = failure.value
    response = getattr(error, "response", None)
    if response is not None:
        return f"http_{response.status}"
    message = str(error).lower()
    if isinstance(error, IgnoreRequest):
        if "robots.txt" in message:
            return "robots_forbidden"
        if "redirect" in message:
            return "redirect_loop"
        return "ignored"
    if isinstance(error, CancelledError | DownloadCancelledError) or "maxsize" in message:
        return "too_large"
    if isinstance(error, TimeoutError | TCPTimedOutError | DownloadTimeoutError):
        return "timeout"
    if isinstance(error, DNSLookupError):
        return "dns_error"
    if isinstance(error, ConnectionRefusedError):
        return "connection_refused"
    return type(error).__name__
