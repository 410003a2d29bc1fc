"""A real crawl of the bundled loopback sites through ``admon crawl`` (Scrapy in a subprocess)."""

import json
import os
import subprocess
import sys
from collections import defaultdict

import pytest
import yaml

from demo.server import TARGETS


def run_crawl(out, data_dir):
    env = {**os.environ, "ADMON_DATA_DIR": str(data_dir)}
    result = subprocess.run([sys.executable, "-m", "admon.cli", "crawl", "--targets", str(TARGETS), "--out", str(out)],
                            capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr
    return {r["name"]: r for r in json.loads((out / "report.json").read_text(encoding="utf-8"))}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    # Its own data folder: the HTTP cache must start empty for the first crawl.
    return tmp_path_factory.mktemp("crawl-data")


@pytest.fixture(scope="module")
def crawl_dir(demo_sites, data_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("crawl")
    run_crawl(out, data_dir)
    return out


@pytest.fixture(scope="module")
def second_crawl(crawl_dir, data_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("crawl-again")
    return out, run_crawl(out, data_dir)


def items(crawl_dir):
    return [json.loads(line) for line in (crawl_dir / "items.jsonl").read_text(encoding="utf-8").splitlines()]


def test_every_kind_of_source_yields_items(crawl_dir):
    kinds = {i["source_kind"] for i in items(crawl_dir)}
    assert kinds == {"web", "wechat", "ecommerce", "outdoor", "broadcast"}


def test_items_meet_the_contract_and_evidence_is_kept(crawl_dir):
    for item in items(crawl_dir):
        assert {"id", "source_kind", "source", "url", "fetched_at", "text", "labelled_as_ad", "evidence"} <= set(item)
        assert item["text"].strip()
        if item["source_kind"] in ("web", "wechat", "ecommerce"):
            path = crawl_dir / item["evidence"]["html"]
            import hashlib

            assert hashlib.sha256(path.read_bytes()).hexdigest() == item["evidence"]["sha256"]


@pytest.mark.parametrize(
    ("page", "words"),
    [("/news/gbk.html", "博山琉璃 顶级工艺"), ("/news/big5.html", "台灣長春堂 靈芝膠囊"),
     ("/news/gb-nometa.html", "齐韵老窖 年终钜惠")],
    ids=["gbk-declared", "big5-declared", "gb18030-undeclared"],
)
def test_chinese_encodings_come_out_as_correct_text(crawl_dir, page, words):
    found = [i for i in items(crawl_dir) if i["url"].endswith(page)]
    assert found and words in found[0]["text"]


def test_exact_ads_found_on_each_portal_page(crawl_dir, fixtures):
    expected = yaml.safe_load((fixtures / "crawl" / "expected_web_ads.yaml").read_text(encoding="utf-8"))
    found = defaultdict(list)
    for item in items(crawl_dir):
        path = item["url"].removeprefix("http://127.0.0.1:8801")
        if item["source_kind"] != "web" or (path.startswith("/ads/") and not path.startswith("/ads/frame")):
            continue
        landing = item["landing_url"].removeprefix("http://127.0.0.1:8801") if item["landing_url"] else None
        found[path].append({"landing": landing, "labelled": item["labelled_as_ad"], "advertorial": item["advertorial"]})
    assert {p: sorted(v, key=lambda d: (d["landing"] or "", d["advertorial"])) for p, v in found.items()} == expected


def test_broken_pages_are_reported_and_the_rest_completes(crawl_dir):
    report = {r["name"]: r for r in json.loads((crawl_dir / "report.json").read_text(encoding="utf-8"))}
    portal = report["淄博本地生活网"]
    assert portal["errors"] == {"http_500": 1, "redirect_loop": 1, "too_large": 1, "robots_forbidden": 1}
    assert portal["status"] == "partial"
    broken = [i for i in items(crawl_dir) if i["url"].endswith("/news/broken.html")]
    assert broken and broken[0]["text"].startswith("博山琉璃 顶级工艺")


def test_a_page_failing_twice_is_retried_with_backoff_and_captured(crawl_dir):
    assert [i for i in items(crawl_dir) if i["url"].endswith("/special/flaky.html")]


def test_a_second_crawl_of_unchanged_sites_downloads_almost_nothing(crawl_dir, second_crawl):
    again_dir, again = second_crawl
    first = {r["name"]: r for r in json.loads((crawl_dir / "report.json").read_text(encoding="utf-8"))}
    for name in ("淄博本地生活网", "淄博健康生活", "某电商平台抽检"):
        assert again[name]["unchanged"] >= first[name]["pages"] - 1
        assert again[name]["downloaded_bytes"] < first[name]["downloaded_bytes"] / 10
    first_ids = [i["id"] for i in items(crawl_dir)]
    again_ids = [i["id"] for i in items(again_dir)]
    assert sorted(again_ids) == sorted(first_ids) and len(set(again_ids)) == len(again_ids)


def test_ads_landing_pages_and_advertorials(crawl_dir):
    web = [i for i in items(crawl_dir) if i["source_kind"] == "web"]
    assert any(i["landing_url"] and i["landing_url"].endswith("/ads/kanghua.html") for i in web)
    assert any(i["url"].endswith("/ads/kanghua.html") for i in web), "landing page captured"
    advertorials = {i["url"].rsplit("/", 1)[-1]: i for i in web if i["advertorial"]}
    assert advertorials["9.html"]["labelled_as_ad"] is False
    assert advertorials["10.html"]["labelled_as_ad"] is True


def test_wechat_articles_use_the_real_structure(crawl_dir):
    wechat = [i for i in items(crawl_dir) if i["source_kind"] == "wechat"]
    assert len(wechat) == 9
    assert all(i["title"] and i["merchant"] for i in wechat)


def test_report_names_the_expired_feed_and_bad_import_lines(crawl_dir):
    report = {r["name"]: r for r in json.loads((crawl_dir / "report.json").read_text(encoding="utf-8"))}
    assert report["某养生号（已停更）"]["status"] == "failed"
    assert report["某养生号（已停更）"]["errors"]["feed_unavailable"] == 1
    assert report["广播电视监播"]["errors"] == {"bad_line": 1}
    assert report["淄博本地生活网"]["items"] > 20


def test_ecommerce_sample_is_seeded_and_recorded(crawl_dir):
    report = {r["name"]: r for r in json.loads((crawl_dir / "report.json").read_text(encoding="utf-8"))}
    sample = report["某电商平台抽检"]["sample"]
    assert sample["listed"] == 10 and len(sample["drawn"]) == 8
    from crawlers.spiders.ecommerce import draw

    merchants = sorted(sample["drawn"])
    assert merchants == sorted(draw(sorted(f"http://127.0.0.1:8803/shop/{n}.html" for n in range(1, 11)), 8,
                                    "20260401:merchants"))
    products = [i for i in items(crawl_dir) if i["source_kind"] == "ecommerce"]
    assert len(products) == sum(len(v) for v in sample["drawn"].values())
