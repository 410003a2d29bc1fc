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


class QuietHandler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".xml": "application/xml"}

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def guess_type(self, path: str) -> str:
        # GBK pages declare their charset in <meta>; don't claim UTF-8 in the header for them.
        kind = super().guess_type(path)
        if kind == "text/html" and not path.endswith("gbk.html"):
            return "text/html; charset=utf-8"
        return kind


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
