"""The public citizen-report page: uploads, EXIF, OCR into the queue, rate limit, SSRF."""

import io

import pytest
from PIL import Image
from sqlalchemy import select

from app.citizen import ReportError, clean_photo, safe_public_url
from demo.server import TARGETS
from tests.app.conftest import jpeg, login, token
from warehouse.schema import CitizenReport


def test_exif_is_stripped_and_types_are_checked_by_content():
    original = jpeg()
    assert Image.open(io.BytesIO(original)).getexif()
    cleaned = clean_photo(original)
    assert not Image.open(io.BytesIO(cleaned.data)).getexif()
    with pytest.raises(ReportError, match="无法识别"):
        clean_photo(b"GIF89a-not-really" + b"\0" * 100)
    with pytest.raises(ReportError, match="无法识别"):
        clean_photo(b"<?php system($_GET['c']); ?>")
    with pytest.raises(ReportError, match="8 MB"):
        clean_photo(b"\xff\xd8\xff" + b"\0" * (8 * 1024 * 1024))


@pytest.mark.parametrize("url", ["http://127.0.0.1/", "http://localhost:8000/admin", "http://10.0.0.5/",
                                 "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/",
                                 "http://[::1]/", "file:///etc/passwd", "gopher://x/", "http://0.0.0.0/"])
def test_urls_to_internal_addresses_are_refused(url):
    with pytest.raises(ReportError):
        safe_public_url(url)


def test_public_urls_pass_without_being_fetched():
    assert safe_public_url("https://93.184.216.34/ad?id=1") == "https://93.184.216.34/ad?id=1"


def test_a_photo_report_is_read_scored_and_queued_with_a_tracking_code(client, engine):
    photo = (TARGETS.parent / "data" / "outdoor" / "photos" / "ZB-HT-0607.jpg").read_bytes()
    response = client.post("/report", data={"description": "车站西侧广告牌", "location": "桓台汽车站",
                                            "district": "桓台县", "advertiser": "桓台驾校", "csrf_token": token(client,
                                                                                                          "/report")},
                           files={"photo": ("p.jpg", photo, "image/jpeg")})
    assert response.status_code == 200 and "举报已收到" in response.text
    with engine.connect() as connection:
        report = connection.execute(select(CitizenReport).where(CitizenReport.advertiser == "桓台驾校")).one()
    assert "包过" in report.text and report.ad_id and report.status == "queued"
    assert report.tracking_code in response.text
    login(client, "monitor")
    queue = client.get("/queue").text
    assert "群众举报" in queue and "包过" in queue


def test_bad_uploads_and_internal_urls_are_rejected_with_a_reason(client):
    csrf = token(client, "/report")
    response = client.post("/report", data={"csrf_token": csrf, "description": "x"},
                           files={"photo": ("a.jpg", b"not an image", "image/jpeg")})
    assert response.status_code == 400 and "无法识别的图片文件" in response.text
    response = client.post("/report", data={"csrf_token": csrf, "description": "见网址",
                                            "url": "http://169.254.169.254/"})
    assert response.status_code == 400 and "内部或保留地址" in response.text


def test_reports_are_rate_limited(client):
    csrf = token(client, "/report")
    codes = [client.post("/report", data={"csrf_token": csrf, "description": f"第{n}条 最佳效果"}).status_code
             for n in range(6)]
    assert codes[:5] == [200] * 5 and codes[5] == 429
