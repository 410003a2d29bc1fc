"""Crawl throughput: admon's web spider vs a plain Scrapy spider with Scrapy's default settings.

Both crawl the same generated loopback site of ``PAGES`` pages, each in its own process. The
plain spider only follows links; admon's also finds ad units (EasyList China + labels),
follows landing pages, stores evidence and writes items — the ratio is the price of that.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from typing import Any

from bench.site import serve

PAGES = 2000


def run(pages: int = PAGES) -> dict[str, Any]:
    results = {}
    with serve(pages) as base:
        for mode in ("scrapy-default", "admon"):
            with tempfile.TemporaryDirectory() as out:
                done = subprocess.run([sys.executable, "-m", "bench.crawl_worker", mode, base, out],
                                      capture_output=True, text=True, check=True)
            results[mode] = json.loads(done.stdout.strip().splitlines()[-1])
    admon, plain = results["admon"], results["scrapy-default"]
    return {
        "crawl_site_pages": pages,
        "crawl_pages_per_s": admon["pages_per_s"],
        "crawl_items": admon["items"],
        "crawl_scrapy_default_pages_per_s": plain["pages_per_s"],
        "crawl_vs_scrapy_default": round(admon["pages_per_s"] / plain["pages_per_s"], 2),
    }
