"""A generated portal on loopback for crawl benchmarks: N pages, each with links and ad slots."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FANOUT = 8
SLOTS = ("ad_headerbanner", "gg_300", "baiduad", "artad")


def page(number: int, total: int) -> bytes:
    """Page ``number``: a news text, two ad slots and links to its children in a tree of ``total``."""
    children = [c for c in range(number * FANOUT + 1, number * FANOUT + FANOUT + 1) if c < total]
    links = "".join(f'<li><a href="/p/{c}.html">第{c}号新闻 本地民生资讯</a></li>' for c in children)
    slot = SLOTS[number % len(SLOTS)]
    clinic, bank = number % 50, (number + 7) % 50
    news = "本市今日天气晴好，市民出行注意交通安全。" * 20
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>新闻</title></head><body>'
        f'<div class="{slot}"><a href="/ad/{clinic}.html">某某医院 第{clinic}号 根治不复发 无效退款</a></div>'
        f'<div class="article"><h1>第{number}号新闻</h1><p>{news}</p></div>'
        f'<ul class="list">{links}</ul>'
        f'<div class="box"><span class="tag">广告</span><a href="/ad/{bank}.html">鑫鼎理财 年化收益15%</a></div>'
        "</body></html>"
    ).encode()


class Handler(BaseHTTPRequestHandler):
    total = 2000

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        if self.path.startswith("/p/"):
            number = int(self.path[3:].split(".")[0])
            body = page(number, self.total) if number < self.total else b""
            status = 200 if body else 404
        elif self.path.startswith("/ad/"):
            body, status = b'<html><body><div class="article">landing page</div></body></html>', 200
        else:
            body, status = b"", 404
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve(total: int, port: int = 0) -> Iterator[str]:
    """Serve a generated site of ``total`` pages; yields its base URL."""
    handler = type("SiteHandler", (Handler,), {"total": total})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
