"""Serve the bundled demo sites on loopback, one port per site, in background threads."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SITES = Path(__file__).resolve().parent / "sites"
PORTS = {"portal": 8801, "wechat": 8802, "mall": 8803}
TARGETS = Path(__file__).resolve().parent / "targets.yaml"


# Pages in other encodings must not be served with a UTF-8 header: they declare their charset
# in <meta>, or (gb-nometa) nowhere at all, as such pages do in the wild.
OTHER_ENCODINGS = ("gbk.html", "big5.html", "gb-nometa.html")
HUGE_BYTES = 12 * 1024 * 1024  # above the crawler's 10 MB DOWNLOAD_MAXSIZE


class QuietHandler(SimpleHTTPRequestHandler):
    """Static files, plus the misbehaving pages a crawler meets: /special/*."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".xml": "application/xml"}
    flaky_hits: dict[str, int] = {}

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def guess_type(self, path: str) -> str:
        kind = super().guess_type(path)
        if kind == "text/html" and not path.endswith(OTHER_ENCODINGS):
            return "text/html; charset=utf-8"
        return kind

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        special = {
            "/special/error.html": self._server_error,
            "/special/loop.html": lambda: self._redirect("/special/loop2.html"),
            "/special/loop2.html": lambda: self._redirect("/special/loop.html"),
            "/special/huge.html": self._huge,
            "/special/flaky.html": self._flaky,
        }.get(self.path.split("?")[0])
        if special:
            special()
        else:
            super().do_GET()

    def _server_error(self) -> None:
        self.send_error(500, "Internal Server Error")

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _huge(self) -> None:
        chunk = ("<p>" + "全市重点项目建设巡礼图集说明文字。" * 60 + "</p>\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(HUGE_BYTES))
        self.end_headers()
        sent = 0
        try:
            while sent < HUGE_BYTES:
                piece = chunk[: HUGE_BYTES - sent]
                self.wfile.write(piece)
                sent += len(piece)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the crawler hung up at its size limit, as it should

    def _flaky(self) -> None:
        # Fails twice, then works: a retry with backoff gets through.
        hits = self.flaky_hits[self.path] = self.flaky_hits.get(self.path, 0) + 1
        if hits <= 2:
            self.send_error(503, "Service Unavailable")
            return
        body = '<html><head><meta charset="utf-8"></head><body><div class="gg_1">'
        body += '<a href="/ads/lejia.html">乐家电器 以旧换新 国家一级能效空调 补贴后2899元起</a></div></body></html>'
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@contextmanager
def serve_sites(host: str = "127.0.0.1", ports: dict[str, int] | None = None) -> Iterator[dict[str, str]]:
    """Serve every demo site while the block runs; yields site name → base URL."""
    servers = []
    try:
        for site, port in (ports or PORTS).items():
            handler = partial(QuietHandler, directory=str(SITES / site))
            server = ThreadingHTTPServer((host, port), handler)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append((site, server))
        yield {site: f"http://{host}:{server.server_address[1]}" for site, server in servers}
    finally:
        for _site, server in servers:
            server.shutdown()
            server.server_close()
