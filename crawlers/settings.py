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
REDIRECT_MAX_TIMES = 5

COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "WARNING"

ITEM_PIPELINES = {
    "crawlers.pipelines.CleanPipeline": 100,
    "crawlers.pipelines.DedupePipeline": 200,
    "crawlers.pipelines.EvidencePipeline": 300,
    "crawlers.pipelines.JsonLinesPipeline": 900,
}
