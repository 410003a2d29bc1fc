from crawlers.importers import ImportReport, import_broadcast, import_outdoor
from crawlers.targets import Target
from demo.server import TARGETS


def test_outdoor_rows_become_items_and_photo_only_rows_are_read_by_ocr():
    target = Target("户外", "outdoor", {"path": "data/outdoor/2026-11.csv"}, TARGETS.parent)
    report = ImportReport()
    items = list(import_outdoor(target, report))
    assert report.rows == 20 and len(items) == 20 and report.ocr == 2 and not report.errors
    billboard = next(i for i in items if i.url == "outdoor://ZB-HT-0607")
    assert "包过" in billboard.text and "不过全额退费" in billboard.text
    assert billboard.evidence["screenshot"] == "photos/ZB-HT-0607.jpg"
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


def test_photo_only_rows_without_ocr_or_photo_are_reported_with_line_and_reason(tmp_path):
    csv_path = tmp_path / "o.csv"
    csv_path.write_text("spot_id,address,district,photo_path,inspected_at,text\n"
                        "S1,路口,张店区,,2026-11-01T10:00:00+08:00,\n"
                        "S2,路口,张店区,photos/missing.jpg,2026-11-01T10:00:00+08:00,\n"
                        "S3,路口,张店区,,yesterday,包过\n"
                        "S4,路口,张店区,,2026-11-01T10:00:00+08:00,包过班\n", encoding="utf-8")
    report = ImportReport()
    items = list(import_outdoor(Target("户外", "outdoor", {"path": str(csv_path)}), report))
    assert [i.url for i in items] == ["outdoor://S4"]
    assert report.errors == {"no_text": 2, "bad_time": 1}
    assert report.bad_lines[0].endswith("o.csv:2: spot S1: no text and no photo")
    assert report.bad_lines[1].endswith("o.csv:3: spot S2: no text and photo photos/missing.jpg not found")
    assert "o.csv:4: inspected_at 'yesterday' is not ISO-8601" in report.bad_lines[2]


def test_ocr_reads_a_billboard_photo(fixtures):
    from crawlers.ocr import read_text

    assert read_text(fixtures / "photos" / "gongyi.jpg") == "创建全国文明城市 共建美好淄博家园"
