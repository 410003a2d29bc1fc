"""Two crawler processes sharing one Redis queue and duplicate filter split the crawl exactly."""

import json
import os
import subprocess
import sys
import uuid

import pytest
import yaml

REDIS = "redis://127.0.0.1:6379/0"


def redis_reason():
    try:
        import redis

        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
        return None
    except Exception as exc:  # any failure means: no usable server here
        return f"Redis at 127.0.0.1:6379 not reachable: {exc}"


pytestmark = pytest.mark.skipif(redis_reason() is not None, reason=str(redis_reason()))


def command(targets, out, data, *extra):
    env = {**os.environ, "ADMON_DATA_DIR": str(data)}
    return subprocess.Popen([sys.executable, "-m", "admon.cli", "crawl", "--targets", str(targets), "--out", str(out),
                             *extra], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def ids(out):
    return [json.loads(line)["id"] for line in (out / "items.jsonl").read_text(encoding="utf-8").splitlines()]


def test_two_workers_split_the_crawl_without_overlap(demo_sites, tmp_path):
    from demo.server import TARGETS

    targets = yaml.safe_load(TARGETS.read_text(encoding="utf-8"))
    targets["targets"] = [t for t in targets["targets"] if t["kind"] in ("web", "ecommerce")]
    for target in targets["targets"]:
        # Slow enough (per-domain delay) that the crawl outlasts both workers' start-up: each gets work.
        target["download_delay"] = 0.3
        if "profile" in target:
            target["profile"] = str((TARGETS.parent / target["profile"]).resolve())
    path = tmp_path / "targets.yaml"
    path.write_text(yaml.safe_dump(targets, allow_unicode=True), encoding="utf-8")

    single = command(path, tmp_path / "single", tmp_path / "d0")
    assert single.wait(timeout=300) == 0, single.stderr.read()
    run = f"test-{uuid.uuid4().hex[:8]}"
    workers = [command(path, tmp_path / f"w{n}", tmp_path / f"d{n + 1}", "--redis", REDIS, "--run-id", run)
               for n in range(2)]
    for worker in workers:
        assert worker.wait(timeout=300) == 0, worker.stderr.read()
    first, second = ids(tmp_path / "w0"), ids(tmp_path / "w1")
    assert first and second, "both workers took part"
    assert not set(first) & set(second)
    assert sorted(first + second) == sorted(ids(tmp_path / "single"))
    import redis

    client = redis.Redis.from_url(REDIS)
    client.delete(*client.keys(f"admon:{run}:*") or [b"none"])
