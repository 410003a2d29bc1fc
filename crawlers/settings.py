"""Scrapy settings for admon's spiders: polite, bounded and robust by default.

Per-target options in ``targets.yaml`` (``obey_robots``, ``download_delay``) override these
for one spider only.
"""

BOT_NAME = "admon"
USER_AGENT = "Mozilla/5.0 (compatible; admon-monitor/0.1; market-regulation ad monitoring)"

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.1
RANDOMIZE_DOWNLOAD_DELAY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.1
AUTOTHROTTLE_MAX_DELAY = 10

DOWNLOAD_TIMEOUT = 20
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 0.5  # seconds before the first retry, doubling after each
RETRY_BACKOFF_MAX = 30.0
REDIRECT_MAX_TIMES = 5

DOWNLOADER_MIDDLEWARES = {
    # After HttpCompression (590) so that bodies are decompressed before they are decoded.
    "crawlers.middlewares.CharsetMiddleware": 585,
    "crawlers.middlewares.BackoffMiddleware": 560,
    # Before RedirectMiddleware (600) sees the response: responses travel down the numbers.
    "crawlers.middlewares.RedirectLoopMiddleware": 650,
    # Beyond the HTTP cache (900): counts bytes on the wire, not bodies served from the cache.
    "crawlers.middlewares.WireStatsMiddleware": 950,
}

# Incremental re-crawls: responses are cached under ADMON_DATA_DIR/httpcache and revalidated
# with If-Modified-Since / If-None-Match, so an unchanged page costs a 304, not a download.
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "scrapy.extensions.httpcache.RFC2616Policy"
HTTPCACHE_STORAGE = "scrapy.extensions.httpcache.FilesystemCacheStorage"
HTTPCACHE_IGNORE_HTTP_CODES = [500, 502, 503, 504, 408, 429]

# Revalidate every cached page on every crawl (If-Modified-Since): ads change without notice, so
# heuristic freshness from an old Last-Modified must never let a page go unchecked for days.
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5",
    "Cache-Control": "max-age=0",
}
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "WARNING"

ITEM_PIPELINES = {
    "crawlers.pipelines.CleanPipeline": 100,
    "crawlers.pipelines.DedupePipeline": 200,
    "crawlers.pipelines.EvidencePipeline": 300,
    "crawlers.pipelines.JsonLinesPipeline": 900,
}
