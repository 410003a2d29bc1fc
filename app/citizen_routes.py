"""The public citizen-report pages: submit a photo, get a tracking code, check its status."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from admon.settings import TIMEZONE
from app import citizen
from app.database import db
from app.security import check_csrf, client_ip
from crawlers.clean import clean_text
from crawlers.ocr import read_text
from warehouse.schema import CitizenReport

router = APIRouter()
STATUS = {"received": "已受理", "queued": "已转入审核", "reviewed": "已审核", "closed": "已办结"}


def _page(request: Request, name: str, **context: object) -> HTMLResponse:
    from app.main import page

    return page(request, name, None, **context)


@router.get("/report", response_class=HTMLResponse)
def report_form(request: Request) -> HTMLResponse:
    return _page(request, "report_form.html")


@router.post("/report")
async def submit(request: Request, session: Annotated[Session, Depends(db)], csrf_token: Annotated[str, Form()],
                 photo: UploadFile | None = None, description: Annotated[str, Form()] = "",
                 location: Annotated[str, Form()] = "", district: Annotated[str, Form()] = "",
                 advertiser: Annotated[str, Form()] = "", url: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf_token)
    now = datetime.now(TIMEZONE)
    ip = client_ip(request)
    if citizen.rate_limited(session, citizen.hash_ip(ip), now):
        return _page(request, "report_form.html", error="提交过于频繁，请稍后再试", status_code=429)
    try:
        data = await photo.read(citizen.MAX_PHOTO_BYTES + 1) if photo and photo.filename else b""
        clean = citizen.clean_photo(data) if data else None
        safe_url = citizen.safe_public_url(url) if url.strip() else None
        if clean is None and not description.strip():
            raise citizen.ReportError("请上传照片或填写广告内容")
    except citizen.ReportError as exc:
        return _page(request, "report_form.html", error=str(exc), status_code=400)
    ocr_text = read_text(clean.data) if clean else ""
    text = clean_text(" ".join(t for t in (ocr_text, description.strip()) if t))[:5000]
    report = citizen.record(session, photo=clean, text=text, location=location[:200], district=district[:50],
                            advertiser=advertiser[:200], url=safe_url, ip=ip, now=now)
    enqueue(session, report, now.date())
    session.commit()
    return RedirectResponse(f"/report/status?code={report.tracking_code}", status_code=303)


@router.get("/report/status", response_class=HTMLResponse)
def status(request: Request, session: Annotated[Session, Depends(db)], code: str = "") -> HTMLResponse:
    report = session.scalar(select(CitizenReport).where(CitizenReport.tracking_code == code.strip().upper())) \
        if code else None
    if code and report is None:
        raise HTTPException(status_code=404, detail="未找到该查询码")
    return _page(request, "report_status.html", report=report, status=STATUS)


def enqueue(session: Session, report: CitizenReport, day: date) -> None:
    """Score the report's text and load it as an outdoor sighting from 群众举报, linked to the report."""
    if not report.text:
        return
    from flows.scoring import load_scorer
    from models.dedupe import group_items
    from warehouse.load import load_night
    from warehouse.schema import Ad

    item = {"id": f"citizen-{report.tracking_code}", "source_kind": "outdoor", "source": "群众举报",
            "url": f"citizen://{report.tracking_code}", "text": report.text, "district": report.district,
            "advertiser": report.advertiser, "fetched_at": report.reported_at.isoformat(), "labelled_as_ad": None}
    tagged, representatives = group_items([item])
    verdicts = {v["id"]: v for v in load_scorer().score(list(representatives.values()))}
    load_night(session, run_date=day, items=tagged, verdicts=verdicts, crawl_reports=[],
               targets=[{"name": "群众举报", "kind": "outdoor"}])
    report.ad_id = session.scalar(select(Ad.id).where(Ad.content_hash == tagged[0]["content_hash"]))
    report.status = "queued"

