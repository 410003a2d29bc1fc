"""Downloader middlewares: honest text decoding and retries that back off.

Wired in ``crawlers/settings.py``.
"""

from __future__ import annotations

import asyncio
import codecs
import re
from typing import Any
from urllib.parse import urljoin

import charset_normalizer
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

# Chinese pages in the wild: UTF-8, GB2312/GBK (read as their superset GB18030) and Big5.
CANDIDATES = ("utf-8", "gb18030", "big5")
CHARSET_IN_HEADER = re.compile(rb"charset=", re.IGNORECASE)


def _canonical(encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return None
    return "gb18030" if name in ("gb2312", "gbk", "gb18030") else name


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(body: bytes, *, content_type: str | None = None) -> tuple[str, str]:
    """The encoding to read ``body`` with, and how it was decided (declared / detected).

    A declared charset (BOM, HTTP header, <meta>) is trusted when the body decodes with it.
    Otherwise — none declared, or a wrong one, both common on Chinese sites — the body is
    tried strictly as UTF-8, GB18030 and Big5; when more than one fits, charset-normalizer's
    coherence analysis picks among them.
    """
    bom, _ = read_bom(body)
    declared = _canonical(
        bom or http_content_type_encoding(content_type or "") or html_body_declared_encoding(body[:4096])
    )
    if declared and _decodes(body, declared):
        return declared, "declared"
    fitting = [c for c in CANDIDATES if _decodes(body, c)]
    if len(fitting) == 1:
        return fitting[0], "detected"
    if "utf-8" in fitting:
        return "utf-8", "detected"
    pool = fitting or list(CANDIDATES)
    best = charset_normalizer.from_bytes(body, cp_isolation=pool).best()
    return (_canonical(best.encoding) or pool[0]) if best else pool[0], "detected"


class CharsetMiddleware:
    """Re-decode a text response whose charset was missing or wrong."""

    def process_response(self, request: Any, response: Response, spider: Any = None) -> Response:
        if not isinstance(response, TextResponse) or not response.body:
            return response
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        encoding, how = detect_encoding(response.body, content_type=content_type)
        if _canonical(response.encoding) == encoding:
            return response
        if spider is not None and getattr(spider, "crawler", None):
            spider.crawler.stats.inc_value(f"admon/charset_{how}/{encoding}")
        return response.replace(encoding=encoding)


class BackoffMiddleware:
    """Wait before sending a retried request: ``RETRY_BACKOFF_BASE`` × 2^(n−1) seconds, capped.

    Scrapy's RetryMiddleware re-queues at once; a struggling server deserves a pause.
    """

    def __init__(self, base: float, cap: float) -> None:
        self.base, self.cap = base, cap

    @classmethod
    def from_crawler(cls, crawler: Any) -> BackoffMiddleware:
        return cls(crawler.settings.getfloat("RETRY_BACKOFF_BASE", 0.5),
                   crawler.settings.getfloat("RETRY_BACKOFF_MAX", 30.0))

    async def process_request(self, request: Any, spider: Any = None) -> None:
        attempt = request.meta.get("retry_times", 0)
        if attempt:
            await asyncio.sleep(min(self.cap, self.base * 2 ** (attempt - 1)))
        return None


class RedirectLoopMiddleware:
    """Fail a redirect that leads back to a URL already visited in its chain.

    Without this a loop ends silently: the duplicate filter drops the looping request and no
    callback or errback ever hears of it, so the page would vanish from the report.
    """

    def process_response(self, request: Any, response: Response, spider: Any = None) -> Response:
        location = response.headers.get("Location")
        if response.status in (301, 302, 303, 307, 308) and location:
            target = urljoin(request.url, location.decode("latin-1"))
            if target in (*request.meta.get("redirect_urls", ()), request.url):
                raise IgnoreRequest(f"redirect loop: {request.url} -> {target}")
        return response


class WireStatsMiddleware:
    """Count what really crossed the network, before the HTTP cache substitutes cached bodies."""

    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> WireStatsMiddleware:
        return cls(crawler.stats)

    def process_response(self, request: Any, response: Response, spider: Any = None) -> Response:
        self.stats.inc_value("admon/wire/responses")
        self.stats.inc_value("admon/wire/bytes", len(response.body))
        if response.status == 304:
            self.stats.inc_value("admon/wire/not_modified")
        return response
