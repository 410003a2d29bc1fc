"""Run a crawl: importers directly, spiders through Scrapy's ``CrawlerProcess``.

Writes ``OUT/items.jsonl``, ``OUT/evidence/`` and ``OUT/report.json`` (per target: pages,
items, errors by kind). One broken target never stops the others. Scrapy's reactor can start
once per process, so flows run this in a subprocess (``admon crawl``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from admon import settings as admon_settings
from crawlers import settings as crawler_settings
from crawlers.importers import ImportReport, import_broadcast, import_outdoor
from crawlers.pipelines import CleanPipeline, DedupePipeline, EvidencePipeline, JsonLinesPipeline
from crawlers.spiders import SPIDERS
from crawlers.targets import Target

IMPORTERS = ("outdoor", "broadcast")


@dataclass
class TargetReport:
    name: str
    kind: str
    status: str = "ok"
    pages: int = 0
    items: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    details: list[str] = field(default_factory=list)
    sample: dict[str, Any] | None = None
    unchanged: int = 0  # pages revalidated as unchanged (304) instead of downloaded again
    downloaded_bytes: int = 0


def crawl(targets: list[Target], out_dir: Path, *, redis_url: str | None = None,
          run_id: str | None = None) -> list[TargetReport]:
    """Crawl or import every target into ``out_dir``; return one report per target.

    With ``redis_url``, spiders share one request queue and one duplicate filter in Redis
    (scrapy-redis), namespaced by ``run_id``: start the same command on several hosts and they
    split the crawl. Importers run only where ``redis_url`` is not set or on the first worker.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "items.jsonl").write_text("", encoding="utf-8")
    reports = [run_importer(t, out_dir) for t in targets if t.kind in IMPORTERS] if not redis_url else []
    spiders = [t for t in targets if t.kind in SPIDERS]
    if spiders:
        reports.extend(run_spiders(spiders, out_dir, redis_url=redis_url, run_id=run_id))
    order = {t.name: i for i, t in enumerate(targets)}
    reports.sort(key=lambda r: order[r.name])
    (out_dir / "report.json").write_text(
        json.dumps([asdict(r) for r in reports], ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return reports


def run_importer(target: Target, out_dir: Path) -> TargetReport:
    """Import one file target through the same pipelines as the spiders."""
    report = ImportReport()
    result = TargetReport(target.name, target.kind)
    pipelines = [CleanPipeline(), DedupePipeline(), EvidencePipeline(), JsonLinesPipeline()]
    for pipeline in pipelines[2:]:
        pipeline.out_dir = out_dir
    pipelines[3].open_spider()
    try:
        items = import_outdoor(target, report) if target.kind == "outdoor" else import_broadcast(target, report)
        for item in items:
            try:
                for pipeline in pipelines:
                    item = pipeline.process_item(item)
                result.items += 1
            except Exception as exc:  # a dropped item (empty, duplicate) is counted, not fatal
                report.errors[type(exc).__name__] = report.errors.get(type(exc).__name__, 0) + 1
    except FileNotFoundError as exc:
        result.status = "failed"
        report.error("file_not_found", str(exc))
    finally:
        pipelines[3].close_spider()
    result.pages = report.rows
    result.errors = report.errors
    if report.ocr:
        result.details.insert(0, f"{report.ocr} photo(s) read by OCR")
    result.details = report.bad_lines
    if report.errors and result.status == "ok":
        result.status = "partial"
    return result


def run_spiders(targets: list[Target], out_dir: Path, *, redis_url: str | None = None,
                run_id: str | None = None) -> list[TargetReport]:
    settings = Settings()
    settings.setmodule(crawler_settings, priority="project")
    if redis_url:
        namespace = run_id or "default"
        settings.setdict({
            "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
            "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
            "REDIS_URL": redis_url,
            # Keys are per run, so tonight's workers share them and tomorrow starts afresh; they
            # persist until every worker is done (one closing must not flush the others' queue).
            "SCHEDULER_PERSIST": True,
            "SCHEDULER_QUEUE_KEY": f"admon:{namespace}:%(spider)s:requests",
            "SCHEDULER_DUPEFILTER_KEY": f"admon:{namespace}:%(spider)s:dupefilter",
            "SCHEDULER_IDLE_BEFORE_CLOSE": 3,
            "EXTENSIONS": {"crawlers.extensions.SharedQueueIdle": 500},
        }, priority="project")
    settings.set("ADMON_OUT_DIR", str(out_dir), priority="project")
    settings.set("HTTPCACHE_DIR", str(admon_settings.data_dir() / "httpcache"), priority="project")
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="project")
    process = CrawlerProcess(settings)
    crawlers = []
    for target in targets:
        spider_cls = _spider_for(target)
        crawler = process.create_crawler(spider_cls)
        process.crawl(crawler, target=target)
        crawlers.append((target, crawler))
    process.start()
    return [_report_from_stats(target, crawler.stats.get_stats()) for target, crawler in crawlers]


def _spider_for(target: Target) -> type:
    """The kind's spider class, with this target's overrides of the global settings."""
    base = SPIDERS[target.kind]
    overrides: dict[str, Any] = {}
    if target.get("obey_robots") is not None:
        overrides["ROBOTSTXT_OBEY"] = bool(target.get("obey_robots"))
    if target.get("download_delay") is not None:
        overrides["DOWNLOAD_DELAY"] = float(target.get("download_delay"))
    if target.get("max_depth") is not None:
        overrides["DEPTH_LIMIT"] = int(target.get("max_depth")) + 2  # + ad frame + landing hop
    return type(base.__name__, (base,), {"custom_settings": overrides})


def _report_from_stats(target: Target, stats: dict[str, Any]) -> TargetReport:
    report = TargetReport(target.name, target.kind)
    report.pages = int(stats.get("admon/pages", 0)) + int(stats.get("admon/landing_pages", 0))
    report.items = int(stats.get("item_scraped_count", 0))
    for key, value in stats.items():
        if key.startswith("admon/errors/"):
            report.errors[key.removeprefix("admon/errors/")] = int(value)
    report.unchanged = int(stats.get("admon/wire/not_modified", 0))
    report.downloaded_bytes = int(stats.get("admon/wire/bytes", 0))
    if "admon/sample/drawn" in stats:
        report.sample = {"listed": stats.get("admon/sample/merchants_listed"), "drawn": stats["admon/sample/drawn"]}
    if report.errors:
        report.status = "partial" if report.items else "failed"
    return report
