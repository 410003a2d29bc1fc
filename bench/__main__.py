"""``make bench``: run every benchmark, print a table, write ``bench/results/``.

``latest.json`` is one flat object of the headline figures plus the machine and the date;
each run is also kept as ``results/<timestamp>.json``.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import datetime
from pathlib import Path

from bench import crawl, pipeline, rules, warehouse

RESULTS = Path(__file__).resolve().parent / "results"
SUITES = {"rules": rules.run, "warehouse": warehouse.run, "crawl": crawl.run, "pipeline": pipeline.run}


def machine() -> dict[str, object]:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cores": os.cpu_count(), "cpu": cpu, "python": platform.python_version()}


def main(names: list[str]) -> None:
    # A partial run (`python -m bench rules`) updates its figures in latest.json, keeping the rest.
    latest = RESULTS / "latest.json"
    results: dict[str, object] = json.loads(latest.read_text(encoding="utf-8")) if names and latest.exists() else {}
    for name in names or list(SUITES):
        print(f"running {name} …", file=sys.stderr, flush=True)
        results.update(SUITES[name]())
    results.update(machine())
    results["date"] = datetime.now().astimezone().isoformat(timespec="seconds")
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for path in (RESULTS / "latest.json", RESULTS / f"{stamp}.json"):
        path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    width = max(map(len, results))
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main(sys.argv[1:])
