"""The review web app. So far: a read-only risk queue and the latest indicators.

Logins, decisions and the case loop come with the review-app issue; until then the app binds
to loopback by default and changes nothing in the warehouse.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import select

from warehouse.db import connect, session_maker
from warehouse.indicators import NAMES
from warehouse.schema import Ad, Alert, IndicatorValue

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
# Evidence is untrusted third-party text: nothing from it may run in the reviewer's browser.
CSP = "default-src 'self'; script-src 'none'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'"


def create_app() -> FastAPI:
    app = FastAPI(title="admon 广告监测审核系统", docs_url=None, redoc_url=None)
    sessions = session_maker(connect())

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # noqa: ANN001, ANN202 - Starlette signature
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.get("/", response_class=HTMLResponse)
    def queue(request: Request) -> HTMLResponse:
        with sessions() as session:
            flagged = select(Ad).where(Ad.violation.is_(True)).order_by(Ad.risk.desc(), Ad.id).limit(100)
            ads = session.scalars(flagged).all()
            latest = session.scalar(select(IndicatorValue.period).where(IndicatorValue.period_kind == "day")
                                    .order_by(IndicatorValue.period.desc()).limit(1))
            indicators = session.scalars(select(IndicatorValue).where(
                IndicatorValue.period_kind == "day", IndicatorValue.period == latest,
                IndicatorValue.slice_kind == "all")).all() if latest else []
            open_alerts = select(Alert).where(Alert.status == "open").order_by(Alert.id.desc()).limit(20)
            alerts = session.scalars(open_alerts).all()
        return TEMPLATES.TemplateResponse(request, "queue.html", {
            "ads": ads, "indicators": indicators, "names": NAMES, "day": latest, "alerts": alerts})

    @app.get("/healthz")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
