"""Citizens' reports (广告共治即时拍): photo checks, EXIF stripping, OCR, scoring, SSRF-safe URLs."""

from __future__ import annotations

import hashlib
import io
import ipaddress
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image, UnidentifiedImageError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from admon import settings
from warehouse.review import audit
from warehouse.schema import CitizenReport

MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
RATE_LIMIT = 5  # reports per address …
RATE_WINDOW = timedelta(minutes=10)  # … in this window


class ReportError(ValueError):
    """A report that cannot be accepted; the message is shown to the citizen."""


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    extension: str
    sha256: str


def clean_photo(data: bytes) -> CleanPhoto:
    """Check size and type by content (not by name), and re-encode without EXIF (location, device)."""
    if not data:
        raise ReportError("请上传照片")
    if len(data) > MAX_PHOTO_BYTES:
        raise ReportError("照片不能超过 8 MB")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            probe.verify()
        image = Image.open(io.BytesIO(data))
        if kind not in FORMATS:
            raise ReportError("仅支持 JPG、PNG、WEBP 格式的照片")
        if image.width * image.height > MAX_PIXELS:
            raise ReportError("照片尺寸过大")
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ReportError("无法识别的图片文件") from None
    pixels = image.convert("RGB") if image.mode not in ("RGB", "L") else image
    out = io.BytesIO()
    # Saving only the pixels drops EXIF, GPS and every other metadata block.
    pixels.save(out, format="JPEG" if kind == "JPEG" else kind, quality=90)
    cleaned = out.getvalue()
    return CleanPhoto(cleaned, FORMATS[kind], hashlib.sha256(cleaned).hexdigest())


def safe_public_url(url: str, *, resolve: bool = True) -> str:
    """``url`` if it is http(s) and every address it resolves to is public; else ReportError.

    Citizens' URLs are stored for monitors; nothing may make the server reach loopback,
    private, link-local or reserved addresses on a citizen's say-so.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ReportError("网址须以 http:// 或 https:// 开头")
    host = parts.hostname
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        if not resolve:
            return url.strip()
        try:
            infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80))
        except (socket.gaierror, UnicodeError):
            raise ReportError("网址无法解析") from None
        addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    for address in addresses:
        if not address.is_global or address.is_multicast:
            raise ReportError("网址指向内部或保留地址，不予受理")
    return url.strip()


def rate_limited(session: Session, ip_hash: str, now: datetime) -> bool:
    recent = session.scalar(select(func.count()).select_from(CitizenReport).where(
        CitizenReport.ip_hash == ip_hash, CitizenReport.reported_at >= now - RATE_WINDOW))
    return (recent or 0) >= RATE_LIMIT


def hash_ip(ip: str) -> str:
    # Kept only to rate-limit; hashed with the app secret so the log holds no raw addresses.
    from app.security import secret_key

    return hashlib.sha256(f"{secret_key()}:{ip}".encode()).hexdigest()


def save_photo(photo: CleanPhoto) -> Path:
    folder = settings.data_dir() / "uploads" / photo.sha256[:2]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{photo.sha256}{photo.extension}"
    if not path.exists():
        path.write_bytes(photo.data)
    return path


def tracking_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "ZB" + "".join(secrets.choice(alphabet) for _ in range(8))


def record(session: Session, *, photo: CleanPhoto | None, text: str, location: str, district: str | None,
           advertiser: str | None, url: str | None, ip: str, now: datetime) -> CitizenReport:
    report = CitizenReport(tracking_code=tracking_code(), text=text or None, location=location or None,
                           district=district or None, advertiser=advertiser or None, url=url, status="received",
                           photo_path=str(save_photo(photo).relative_to(settings.data_dir())) if photo else None,
                           photo_sha256=photo.sha256 if photo else None, ip_hash=hash_ip(ip), reported_at=now)
    session.add(report)
    session.flush()
    audit(session, "citizen", "citizen.report", f"report:{report.tracking_code}", has_photo=bool(photo))
    return report

