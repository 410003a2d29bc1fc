"""Fused scoring throughput, the Dask runner against the default, and the nightly flow end to end.

The nightly runs load generated ``items.jsonl`` files (no crawl) into a fresh SQLite
warehouse, each in its own process: 5,300 ads (a city's day, as in the seed platform) and
100,000.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from bench.rules import generate_ads

FUSED_ADS = 20_000
CHANNELS = ("web", "wechat", "ecommerce", "outdoor", "broadcast")
SEIZED_PER_YEAR = 1_930_000  # the seed platform's ad records in a year


def write_items(path: Path, count: int, seed: int = 7) -> Path:
    rnd = random.Random(seed)
    with open(path, "w", encoding="utf-8") as out:
        for n, text in enumerate(generate_ads(count, seed=seed)):
            channel = rnd.choice(CHANNELS)
            out.write(json.dumps({"id": f"bench-{n}", "source_kind": channel, "source": f"{channel}-source",
                                  "url": f"http://example.cn/{n % 997}", "text": text,
                                  "fetched_at": "2026-11-24T20:00:00+08:00",
                                  "district": rnd.choice(("张店区", "淄川区")),
                                  "labelled_as_ad": rnd.random() < 0.7}, ensure_ascii=False) + "\n")
    return path


def _score_batch(records: list[dict[str, Any]]) -> int:
    from flows.scoring import load_scorer

    return len(load_scorer().score(records))


def _warm(_: int) -> int:
    return _score_batch([{"id": "w", "text": "最佳疗效 根治 保本保息"}])


def fused(count: int = FUSED_ADS) -> dict[str, Any]:
    """Ads/s in this process, and with one process per core (as the Dask runner scores)."""
    records = [{"id": str(n), "text": t} for n, t in enumerate(generate_ads(count, seed=11))]
    batches = [records[i : i + 2_000] for i in range(0, count, 2_000)]
    _warm(0)  # jieba dictionary, models loaded
    started = time.perf_counter()
    for batch in batches:
        _score_batch(batch)
    single = count / (time.perf_counter() - started)
    cores = os.cpu_count() or 1
    with ProcessPoolExecutor(cores) as pool:
        list(pool.map(_warm, range(cores)))
        started = time.perf_counter()
        list(pool.map(_score_batch, batches))
        parallel = count / (time.perf_counter() - started)
    return {"fused_ads_per_s": round(single), "fused_ads_per_s_all_cores": round(parallel),
            "fused_1_93m_minutes": round(SEIZED_PER_YEAR / parallel / 60, 1)}


def nightly(count: int, runner: str = "default") -> float:
    """Seconds for ``admon run nightly --items`` on ``count`` generated ads, in a fresh data folder."""
    with tempfile.TemporaryDirectory() as tmp:
        items = write_items(Path(tmp) / "items.jsonl", count)
        env = {**os.environ, "ADMON_DATA_DIR": str(Path(tmp) / "data")}
        env.pop("ADMON_DATABASE_URL", None)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "admon.cli", "run", "nightly", "--date", "2026-11-24",
                               "--items", str(items), "--runner", runner], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"nightly run on {count} ads failed:\n{done.stderr[-3000:]}")
        return round(time.perf_counter() - started, 1)


def run() -> dict[str, Any]:
    results = fused()
    results["nightly_5300_seconds"] = nightly(5_300)
    dask_5300 = nightly(5_300, runner="dask")
    results["nightly_5300_dask_seconds"] = dask_5300
    results["dask_vs_default"] = round(results["nightly_5300_seconds"] / dask_5300, 2)
    results["nightly_100k_seconds"] = nightly(100_000)
    return results
