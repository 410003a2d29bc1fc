"""Web security: the session secret, CSRF tokens, response headers and a public-form rate limit."""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from fastapi import HTTPException, Request

from admon import settings

# Evidence is untrusted third-party text: nothing may run in the reviewer's browser.
CSP = ("default-src 'self'; script-src 'none'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
       "form-action 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-src 'self'")
# For a captured page shown in a sandboxed frame: no scripts, no network, no same-origin.
EVIDENCE_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
           "X-Frame-Options": "DENY", "Cross-Origin-Opener-Policy": "same-origin"}


def secret_key() -> str:
    """``ADMON_SECRET_KEY`` or a random key kept (mode 0600) in the data folder."""
    configured = os.environ.get("ADMON_SECRET_KEY")
    if configured:
        return configured
    path: Path = settings.data_dir() / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use; every form carries it."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf(request: Request, submitted: str | None) -> None:
    expected = request.session.get("csrf")
    if not expected or not submitted or not hmac.compare_digest(expected, submitted):
        raise HTTPException(status_code=403, detail="表单已过期或来源无效（CSRF 校验失败），请刷新页面后重试")


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"
