"""Exports (the queue, the case list) as CSV or XLSX, and case attachments."""

from __future__ import annotations

import csv
import hashlib
import io
from typing import Any

from fastapi import HTTPException
from fastapi.responses import Response
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from admon import settings
from warehouse import review
from warehouse.schema import Ad, Case

MAX_ATTACHMENT = 10 * 1024 * 1024
ATTACHMENT_TYPES = {b"%PDF": ".pdf", b"\xff\xd8\xff": ".jpg", b"\x89PNG": ".png"}


def queue_rows(session: Session, filters: review.QueueFilters) -> list[list[Any]]:
    header = ["编号", "风险", "行业", "条款", "相似副本", "发现次数", "首次发现", "最近发现", "广告内容"]
    rows: list[list[Any]] = [header]
    for row in review.queue(session, filters, limit=10_000):
        ad: Ad = row["ad"]
        rows.append([ad.id, round(ad.risk, 3), ad.category, "、".join(ad.articles or []), row["copies"],
                     row["sightings"], ad.first_seen.isoformat(), ad.last_seen.isoformat(), _cell(ad.text)])
    return rows


def case_rows(session: Session) -> list[list[Any]]:
    header = ["案件号", "广告编号", "预警编号", "承办单位", "状态", "处置结果", "派发时间", "办理期限", "办结时间"]
    rows: list[list[Any]] = [header]
    for case in session.scalars(select(Case).order_by(Case.opened_at.desc())):
        rows.append([case.id, case.ad_id, case.alert_id, case.district, review.CASE_STATES.get(case.status),
                     review.OUTCOMES.get(case.outcome or ""), case.opened_at.strftime("%Y-%m-%d %H:%M"),
                     case.due_on.isoformat() if case.due_on else "",
                     case.closed_at.strftime("%Y-%m-%d %H:%M") if case.closed_at else ""])
    return rows


def respond(rows: list[list[Any]], fmt: str, name: str) -> Response:
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        # UTF-8 with BOM: Excel, as regulators open it, then shows the Chinese correctly.
        return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    book = Workbook()
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    return Response(data.getvalue(), media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})


async def save_attachment(upload: Any) -> str | None:
    """Store a case attachment (PDF, JPG or PNG by content, ≤ 10 MB); returns its data-relative path."""
    if upload is None or isinstance(upload, str) or not getattr(upload, "filename", ""):
        return None
    data = await upload.read(MAX_ATTACHMENT + 1)
    if len(data) > MAX_ATTACHMENT:
        raise HTTPException(status_code=413, detail="附件不能超过 10 MB")
    extension = next((ext for magic, ext in ATTACHMENT_TYPES.items() if data.startswith(magic)), None)
    if extension is None:
        raise HTTPException(status_code=415, detail="附件仅支持 PDF、JPG、PNG")
    digest = hashlib.sha256(data).hexdigest()
    path = settings.data_dir() / "attachments" / f"{digest}{extension}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return str(path.relative_to(settings.data_dir()))


def _cell(text: str) -> str:
    # A cell starting with = + - @ would run as a formula in Excel: CSV/formula injection.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
