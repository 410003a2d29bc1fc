"""The review web app: login, dashboard, risk queue, ad detail, decisions, cases, exports.

Server-rendered (FastAPI + Jinja2, autoescaped), no scripts at all: the Content-Security-
Policy forbids them, so captured evidence can never run in a reviewer's browser.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.middleware.sessions import SessionMiddleware

from admon import settings
from app import auth, exports
from app.citizen_routes import router as citizen_router
from app.database import db
from app.security import EVIDENCE_CSP, HEADERS, check_csrf, client_ip, csrf_token, secret_key
from rules.loader import ARTICLES, CATEGORIES
from warehouse import review
from warehouse.db import connect, session_maker
from warehouse.indicators import NAMES, Period, compute
from warehouse.ranking import rank_advertisers, rank_sectors
from warehouse.schema import Ad, Alert, Assignment, Capture, Case, CitizenReport, Review, Score, Sighting, User

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
CHANNELS = {"web": "网站", "wechat": "公众号", "ecommerce": "电商", "outdoor": "户外", "broadcast": "广播电视"}
LEVELS = {"red": "红色", "orange": "橙色", "yellow": "黄色"}
DISTRICTS = ("张店区", "淄川区", "博山区", "临淄区", "周村区", "桓台县", "高青县", "沂源县")
TEMPLATES.env.globals.update(CHANNELS=CHANNELS, LEVELS=LEVELS, ROLES=auth.ROLES, OUTCOMES=review.OUTCOMES,
                             CASE_STATES=review.CASE_STATES, ARTICLES=ARTICLES, CATEGORIES=CATEGORIES,
                             DISTRICTS=DISTRICTS, NAMES=NAMES)


class LoginRequired(Exception):
    pass


def create_app() -> FastAPI:
    app = FastAPI(title="admon 广告监测审核系统", docs_url=None, redoc_url=None, openapi_url=None)
    sessions = session_maker(connect())
    app.state.sessions = sessions
    app.add_middleware(SessionMiddleware, secret_key=secret_key(), session_cookie="admon_session",
                       same_site="strict", https_only=settings_https(), max_age=8 * 3600)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # noqa: ANN001, ANN202 - Starlette signature
        response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, _exc: LoginRequired) -> RedirectResponse:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    app.include_router(citizen_router)
    _routes(app)
    return app


def settings_https() -> bool:
    import os

    return os.environ.get("ADMON_HTTPS", "") == "1"


DB = Annotated[Session, Depends(db)]


def current_user(request: Request, session: DB) -> User:
    user_id = request.session.get("user_id")
    user = session.get(User, user_id) if user_id else None
    if user is None or not user.active:
        raise LoginRequired()
    return user


def requires(*roles: str):  # noqa: ANN201 - a dependency factory
    def check(user: Annotated[User, Depends(current_user)]) -> User:
        if user.role not in roles and user.role != "admin":
            raise HTTPException(status_code=403, detail="无权执行此操作")
        return user

    return check


Reviewer = Annotated[User, Depends(requires("monitor"))]
Enforcer = Annotated[User, Depends(requires("enforcer"))]
AnyUser = Annotated[User, Depends(current_user)]
Token = Annotated[str, Form(alias="csrf_token")]


def page(request: Request, name: str, user: User | None = None, *, status_code: int = 200,
         **context: Any) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, name, {"user": user, "csrf": csrf_token(request), **context},
                                      status_code=status_code)


def _routes(app: FastAPI) -> None:  # noqa: C901 - one place that lists every page
    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, next: str = "/") -> HTMLResponse:  # noqa: A002 - query name
        return page(request, "login.html", next=_local(next))

    @app.post("/login")
    def login(request: Request, session: DB, token: Token, username: Annotated[str, Form()],
              password: Annotated[str, Form()], next: Annotated[str, Form()] = "/") -> Response:  # noqa: A002
        check_csrf(request, token)
        try:
            user = auth.authenticate(session, username.strip(), password, ip=client_ip(request))
        except auth.AuthError as exc:
            session.commit()  # keep the failure count and the audit entry
            return page(request, "login.html", error=str(exc), next=_local(next), status_code=401)
        session.commit()
        request.session.clear()
        request.session["user_id"] = user.id
        return RedirectResponse(_local(next), status_code=303)

    @app.post("/logout")
    def logout(request: Request, token: Token) -> Response:
        check_csrf(request, token)
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    @app.get("/", response_class=HTMLResponse)
    def dashboard(request: Request, session: DB, user: AnyUser) -> HTMLResponse:
        latest = session.scalar(select(Sighting.seen_on).order_by(Sighting.seen_on.desc()).limit(1)) or settings.today()
        month = Period.month(latest.strftime("%Y-%m"))
        values = {r["key"]: r for r in compute(session, month) if r["slice_kind"] == "all"}
        previous = {r["key"]: r["value"] for r in compute(session, month.previous()) if r["slice_kind"] == "all"}
        alerts = session.scalars(select(Alert).where(Alert.status == "open").order_by(Alert.updated_on.desc())).all()
        return page(request, "dashboard.html", user, month=month.label, values=values, previous=previous,
                    alerts=alerts, sectors=rank_sectors(session, month, limit=5),
                    advertisers=rank_advertisers(session, month, limit=5))

    @app.get("/queue", response_class=HTMLResponse)
    def queue_page(request: Request, session: DB, user: AnyUser, status: str = "pending", channel: str = "",
                   category: str = "", article: str = "", advertiser: str = "", since: str = "",
                   until: str = "") -> HTMLResponse:
        filters = _filters(status, channel, category, article, advertiser, since, until)
        rows = review.queue(session, filters)
        reported = set(session.scalars(select(CitizenReport.ad_id).where(CitizenReport.ad_id.is_not(None))))
        sample = session.scalars(select(Ad).join(Assignment, Assignment.ad_id == Ad.id).where(
            Assignment.reviewer == user.username, Assignment.done.is_(False))).all()
        return page(request, "queue.html", user, rows=rows, filters=filters, reported=reported, sample=sample)

    @app.get("/ads/{ad_id}", response_class=HTMLResponse)
    def ad_page(request: Request, session: DB, user: AnyUser, ad_id: int) -> HTMLResponse:
        ad = session.get(Ad, ad_id) or _missing()
        score = session.scalar(select(Score).where(Score.ad_id == ad_id).order_by(Score.scored_at.desc()).limit(1))
        sightings = session.execute(select(Sighting, Capture).outerjoin(Capture, Capture.id == Sighting.capture_id)
                                    .where(Sighting.ad_id == ad_id).order_by(Sighting.seen_on.desc()).limit(50)).all()
        reviews = session.scalars(select(Review).where(Review.ad_id == ad_id).order_by(Review.decided_at)).all()
        copies = session.scalars(select(Ad).where(Ad.cluster_key == ad.cluster_key, Ad.id != ad.id)).all() \
            if ad.cluster_key else []
        cases = session.scalars(select(Case).where(Case.ad_id == ad_id)).all()
        hits = score.hits if score else []
        first_capture = next((capture for _s, capture in sightings if capture is not None), None)
        return page(request, "ad.html", user, ad=ad, score=score, segments=highlight(ad.text, hits), hits=hits,
                    preview=evidence_preview(first_capture),
                    sightings=sightings, reviews=reviews, copies=copies, cases=cases,
                    due=(settings.today() + timedelta(days=7)).isoformat())

    @app.get("/evidence/{sha256}")
    def evidence(session: DB, user: AnyUser, sha256: str, raw: bool = False) -> Response:
        capture = session.scalar(select(Capture).where(Capture.sha256 == sha256)) or _missing()
        path = (settings.data_dir() / capture.path).resolve()
        if settings.data_dir().resolve() not in path.parents or not path.exists():
            _missing()
        body = path.read_bytes()
        if raw:  # as text: the page's source, never interpreted
            return Response(body, media_type="text/plain; charset=utf-8",
                            headers={"Content-Security-Policy": EVIDENCE_CSP})
        return Response(body, media_type="text/html", headers={"Content-Security-Policy": EVIDENCE_CSP,
                                                               "X-Frame-Options": "SAMEORIGIN"})

    @app.post("/ads/{ad_id}/decision")
    def decision(request: Request, session: DB, user: Reviewer, token: Token, ad_id: int,
                 decision: Annotated[str, Form()], reason: Annotated[str, Form()] = "",
                 articles: Annotated[list[str] | None, Form()] = None,
                 category: Annotated[str, Form()] = "") -> Response:
        check_csrf(request, token)
        try:
            review.decide(session, ad_id, reviewer=user.username, decision=decision, reason=reason,
                          articles=articles or [], category=category or None, ip=client_ip(request))
        except review.ReviewError as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from None
        session.commit()
        return RedirectResponse(f"/ads/{ad_id}?done={decision}", status_code=303)

    @app.post("/cases")
    def dispatch(request: Request, session: DB, user: Reviewer, token: Token, district: Annotated[str, Form()],
                 due_on: Annotated[date, Form()], ad_id: Annotated[int | None, Form()] = None,
                 alert_id: Annotated[int | None, Form()] = None, note: Annotated[str, Form()] = "") -> Response:
        check_csrf(request, token)
        try:
            case = review.dispatch(session, actor=user.username, district=district, due_on=due_on, ad_id=ad_id,
                                   alert_id=alert_id, note=note or None, ip=client_ip(request))
        except review.ReviewError as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from None
        session.commit()
        return RedirectResponse(f"/cases/{case.id}", status_code=303)

    @app.get("/cases", response_class=HTMLResponse)
    def cases_page(request: Request, session: DB, user: AnyUser, status: str = "") -> HTMLResponse:
        stmt = select(Case).order_by(Case.opened_at.desc())
        if status:
            stmt = stmt.where(Case.status == status)
        return page(request, "cases.html", user, cases=session.scalars(stmt.limit(300)).all(), status=status)

    @app.get("/cases/{case_id}", response_class=HTMLResponse)
    def case_page(request: Request, session: DB, user: AnyUser, case_id: int) -> HTMLResponse:
        case = session.get(Case, case_id) or _missing()
        ad = session.get(Ad, case.ad_id) if case.ad_id else None
        return page(request, "case.html", user, case=case, ad=ad)

    @app.post("/cases/{case_id}/feedback")
    async def case_feedback(request: Request, session: DB, user: Enforcer, case_id: int) -> Response:
        form = await request.form()
        check_csrf(request, form.get("csrf_token"))
        attachment = await exports.save_attachment(form.get("attachment"))
        try:
            review.feedback(session, case_id, actor=user.username, outcome=str(form.get("outcome", "")),
                            note=str(form.get("note", "")) or None, attachment=attachment, ip=client_ip(request))
        except review.ReviewError as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from None
        session.commit()
        return RedirectResponse(f"/cases/{case_id}", status_code=303)

    @app.post("/cases/{case_id}/close")
    def case_close(request: Request, session: DB, user: Enforcer, token: Token, case_id: int,
                   note: Annotated[str, Form()] = "") -> Response:
        check_csrf(request, token)
        try:
            review.close(session, case_id, actor=user.username, note=note or None, ip=client_ip(request))
        except review.ReviewError as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from None
        session.commit()
        return RedirectResponse(f"/cases/{case_id}", status_code=303)

    @app.get("/export/{what}.{fmt}")
    def export(session: DB, user: AnyUser, what: str, fmt: str, status: str = "pending") -> Response:
        if what not in ("queue", "cases") or fmt not in ("csv", "xlsx"):
            _missing()
        rows = exports.queue_rows(session, _filters(status)) if what == "queue" else exports.case_rows(session)
        return exports.respond(rows, fmt, f"{what}-{settings.today():%Y%m%d}")

    @app.get("/healthz")
    def health() -> dict[str, str]:
        return {"status": "ok"}


PREVIEW_BYTES = 300_000


def evidence_preview(capture: Capture | None) -> str | None:
    """The captured page for a sandboxed ``srcdoc`` frame: inline (no request, no cookie), and
    under this page's CSP plus ``sandbox`` — scripts, forms and navigation all off."""
    if capture is None:
        return None
    path = (settings.data_dir() / capture.path).resolve()
    if settings.data_dir().resolve() not in path.parents or not path.exists():
        return None
    from crawlers.middlewares import detect_encoding

    body = path.read_bytes()[:PREVIEW_BYTES]
    return body.decode(detect_encoding(body)[0], errors="replace")


def highlight(text: str, hits: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any] | None]]:
    """The ad text cut into (piece, hit or None) so the template can mark each rule's span."""
    spans = sorted((h for h in hits if h.get("source") == "rule" and h["end"] > h["start"]),
                   key=lambda h: (h["start"], -h["end"]))
    segments, cursor = [], 0
    for hit in spans:
        if hit["start"] < cursor:
            continue
        segments.append((text[cursor:hit["start"]], None))
        segments.append((text[hit["start"]:hit["end"]], hit))
        cursor = hit["end"]
    segments.append((text[cursor:], None))
    return [s for s in segments if s[0]]


def _filters(status: str = "pending", channel: str = "", category: str = "", article: str = "",
             advertiser: str = "", since: str = "", until: str = "") -> review.QueueFilters:
    def day(value: str) -> date | None:
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            raise HTTPException(status_code=400, detail="日期格式应为 YYYY-MM-DD") from None

    return review.QueueFilters(status=status if status in ("pending", "reviewed", "all") else "pending",
                               channel=channel or None, category=category or None, article=article or None,
                               advertiser=advertiser.strip() or None, since=day(since), until=day(until))


def _local(target: str) -> str:
    """Only redirect within the app (no open redirect through ?next=)."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


def _missing() -> Any:
    raise HTTPException(status_code=404, detail="未找到")
