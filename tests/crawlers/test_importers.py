from crawlers.importers import ImportReport, import_broadcast, import_outdoor
from crawlers.targets import Target
from demo.server import TARGETS


def test_outdoor_rows_become_items_and_photo_only_rows_are_reported():
    target = Target("户外", "outdoor", {"path": "data/outdoor/2026-11.csv"}, TARGETS.parent)
    report = ImportReport()
    items = list(import_outdoor(target, report))
    assert report.rows == 20 and len(items) == 18
    assert report.errors == {"no_text": 2}
    assert all(":" in line and "spot" in line for line in report.bad_lines)
    assert all(i.district and i.fetched_at.endswith("+08:00") for i in items)
    quoted = next(i for i in items if i.url == "outdoor://ZB-LZ-0415")
    assert "," in quoted.text or "，" in quoted.text


def test_broadcast_bad_line_is_reported_and_the_rest_imported():
    target = Target("广播", "broadcast", {"path": "data/broadcast/2026-11.jsonl"}, TARGETS.parent)
    report = ImportReport()
    items = list(import_broadcast(target, report))
    assert len(items) == 13 and report.errors == {"bad_line": 1}
    assert "2026-11.jsonl:7: invalid JSON" in report.bad_lines[0]
    assert all(i.platform and i.url.startswith("broadcast://") for i in items)
