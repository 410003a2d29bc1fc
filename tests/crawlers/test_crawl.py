"""A real crawl of the bundled loopback sites through ``admon crawl`` (Scrapy in a subprocess)."""

import json
import subprocess
import sys

import pytest

from demo.server import TARGETS


@pytest.fixture(scope="module")
def crawl_dir(demo_sites, tmp_path_factory):
    out = tmp_path_factory.mktemp("crawl")
    result = subprocess.run([sys.executable, "-m", "admon.cli", "crawl", "--targets", str(TARGETS), "--out", str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return out


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


def test_gbk_page_comes_out_as_correct_text(crawl_dir):
    gbk = [i for i in items(crawl_dir) if i["url"].endswith("/news/gbk.html")]
    assert gbk and "琉璃" in gbk[0]["text"]


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
    assert report["淄博本地生活网"]["status"] == "ok" and report["淄博本地生活网"]["items"] > 20


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
