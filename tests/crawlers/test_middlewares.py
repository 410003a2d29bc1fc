import asyncio

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response

from crawlers.middlewares import BackoffMiddleware, CharsetMiddleware, RedirectLoopMiddleware, detect_encoding

TEXT = "<html><body><div class='gg'>最佳疗效，根治失眠。淄博市张店区人民路一号</div></body></html>"
TRADITIONAL = "<html><body><div>台灣長春堂靈芝膠囊，最佳療效，根治失眠，三天見效。請洽門市。</div></body></html>"


@pytest.mark.parametrize(
    ("body", "content_type", "expected", "how"),
    [
        (TEXT.encode("utf-8"), "text/html; charset=utf-8", "utf-8", "declared"),
        (TEXT.encode("gbk"), "text/html", "gb18030", "detected"),
        (TEXT.encode("gbk"), "text/html; charset=utf-8", "gb18030", "detected"),  # wrong header
        (TEXT.replace("<html>", '<html><meta charset="gb2312">').encode("gbk"), None, "gb18030", "declared"),
        (TRADITIONAL.encode("big5"), "text/html", "big5", "detected"),
        (TEXT.encode("utf-8"), "text/html", "utf-8", "detected"),
    ],
    ids=["utf8-declared", "gbk-undeclared", "gbk-mislabelled-utf8", "gb2312-meta", "big5-undeclared",
         "utf8-undeclared"],
)
def test_detect_encoding(body, content_type, expected, how):
    assert detect_encoding(body, content_type=content_type) == (expected, how)


def test_charset_middleware_redecodes_mislabelled_pages():
    body = TEXT.encode("gbk")
    response = HtmlResponse("http://a.cn/", body=body, headers={"Content-Type": "text/html; charset=utf-8"})
    fixed = CharsetMiddleware().process_response(Request("http://a.cn/"), response)
    assert "根治失眠" in fixed.text


def test_redirect_back_into_the_chain_is_a_loop():
    middleware = RedirectLoopMiddleware()
    request = Request("http://a.cn/b", meta={"redirect_urls": ["http://a.cn/a"]})
    with pytest.raises(IgnoreRequest, match="redirect loop"):
        middleware.process_response(request, Response("http://a.cn/b", status=302, headers={"Location": "/a"}))
    onward = Response("http://a.cn/b", status=302, headers={"Location": "/c"})
    assert middleware.process_response(request, onward) is onward


def test_backoff_doubles_and_is_capped(monkeypatch):
    waited = []

    async def fake_sleep(seconds):
        waited.append(seconds)

    monkeypatch.setattr(asyncio, "sleep", fake_sleep)
    middleware = BackoffMiddleware(base=0.5, cap=3.0)
    for attempt in range(5):
        asyncio.run(middleware.process_request(Request("http://a.cn/", meta={"retry_times": attempt})))
    assert waited == [0.5, 1.0, 2.0, 3.0]
