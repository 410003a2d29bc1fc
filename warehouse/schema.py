"""The warehouse tables: one typed ORM model per table, one ``Base``.

Shape of the data:

* ``targets`` ─< ``crawl_runs``                       what was monitored, and each night's run
* ``captures``                                         raw evidence as fetched (path, SHA-256, time)
* ``ads`` ─< ``sightings`` >─ ``captures``             one canonical ad, every place and night it was seen
* ``ads`` ─< ``scores``                                a verdict per ruleset × model version
* ``advertisers`` ─< ``ads``
* ``reviews``, ``alerts``, ``cases`` ─< ``case_events``, ``citizen_reports``
* ``indicator_values``, ``reports``                    computed outputs, keyed by period

Every table a nightly load writes has a natural unique key, so loads are upserts and
re-running a night changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    type_annotation_map = {
        dict[str, Any]: JSON,
        list[Any]: JSON,
        datetime: DateTime(timezone=True),
    }


class Target(Base):
    """A monitored source: a website, a WeChat account, a mall sample, an import file."""

    __tablename__ = "targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)

    def __repr__(self) -> str:
        return f"Target(id={self.id!r}, name={self.name!r}, kind={self.kind!r})"


class CrawlRun(Base):
    """One target's crawl on one monitoring date, with its per-target report."""

    __tablename__ = "crawl_runs"
    __table_args__ = (UniqueConstraint("run_date", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_date: Mapped[date] = mapped_column(Date)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id"))
    status: Mapped[str] = mapped_column(String(20))
    pages: Mapped[int] = mapped_column(Integer, default=0)
    items: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[dict[str, Any]] = mapped_column(default=dict)
    finished_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"CrawlRun(run_date={self.run_date!r}, target_id={self.target_id!r}, status={self.status!r})"


class Capture(Base):
    """Raw evidence: the response body as fetched, stored on disk, identified by its hash."""

    __tablename__ = "captures"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(Text)
    status: Mapped[int | None]
    fetched_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"Capture(sha256={self.sha256[:12]!r}…, url={self.url!r})"


class Advertiser(Base):
    __tablename__ = "advertisers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    first_seen: Mapped[date]

    def __repr__(self) -> str:
        return f"Advertiser(id={self.id!r}, name={self.name!r})"


class Ad(Base):
    """A canonical ad: the same normalised text seen anywhere is one ad.

    ``violation``/``risk``/``articles``/``category`` mirror the latest score so that the
    queue and the indicators need no "latest score per ad" subquery.
    """

    __tablename__ = "ads"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(40), unique=True)
    cluster_key: Mapped[str | None] = mapped_column(String(40), index=True)
    simhash: Mapped[int | None] = mapped_column(BigInteger)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    advertiser_id: Mapped[int | None] = mapped_column(ForeignKey("advertisers.id"))
    category: Mapped[str | None] = mapped_column(String(20))
    public_service: Mapped[bool] = mapped_column(Boolean, default=False)
    violation: Mapped[bool] = mapped_column(Boolean, default=False)
    risk: Mapped[float] = mapped_column(Float, default=0.0)
    articles: Mapped[list[Any]] = mapped_column(default=list)
    first_seen: Mapped[date]
    last_seen: Mapped[date]

    advertiser: Mapped[Advertiser | None] = relationship()

    def __repr__(self) -> str:
        return f"Ad(id={self.id!r}, risk={self.risk!r}, text={self.text[:20]!r}…)"


Index("ix_ads_queue", Ad.violation, Ad.risk.desc())


class Sighting(Base):
    """One ad seen at one place on one monitoring date (one line of ``items.jsonl``)."""

    __tablename__ = "sightings"
    __table_args__ = (UniqueConstraint("item_id", "seen_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[str] = mapped_column(String(40))
    seen_on: Mapped[date] = mapped_column(Date, index=True)
    ad_id: Mapped[int] = mapped_column(ForeignKey("ads.id"), index=True)
    target_id: Mapped[int | None] = mapped_column(ForeignKey("targets.id"))
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))
    source_kind: Mapped[str] = mapped_column(String(20))
    source: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(Text)
    landing_url: Mapped[str | None] = mapped_column(Text)
    platform: Mapped[str | None] = mapped_column(String(100))
    merchant: Mapped[str | None] = mapped_column(String(200))
    district: Mapped[str | None] = mapped_column(String(50))
    price: Mapped[str | None] = mapped_column(String(50))
    labelled_as_ad: Mapped[bool | None]
    fetched_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"Sighting(item_id={self.item_id!r}, seen_on={self.seen_on!r}, ad_id={self.ad_id!r})"


class Score(Base):
    """The verdict on one ad by one ruleset version and one model version."""

    __tablename__ = "scores"
    __table_args__ = (UniqueConstraint("ad_id", "ruleset", "model_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ad_id: Mapped[int] = mapped_column(ForeignKey("ads.id"))
    ruleset: Mapped[str] = mapped_column(String(40))
    model_version: Mapped[str] = mapped_column(String(80))
    violation: Mapped[bool] = mapped_column(Boolean)
    risk: Mapped[float] = mapped_column(Float)
    articles: Mapped[list[Any]]
    category: Mapped[str | None] = mapped_column(String(20))
    public_service: Mapped[bool] = mapped_column(Boolean, default=False)
    p_violation: Mapped[float | None] = mapped_column(Float)
    hits: Mapped[list[Any]]
    scored_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"Score(ad_id={self.ad_id!r}, ruleset={self.ruleset!r}, risk={self.risk!r})"


class Review(Base):
    """A reviewer's decision on an ad; feeds indicator 14 and model retraining."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    ad_id: Mapped[int] = mapped_column(ForeignKey("ads.id"), index=True)
    reviewer: Mapped[str] = mapped_column(String(100))
    decision: Mapped[str] = mapped_column(String(20))  # confirmed | dismissed
    reason: Mapped[str | None] = mapped_column(Text)
    articles: Mapped[list[Any]] = mapped_column(default=list)
    category: Mapped[str | None] = mapped_column(String(20))
    decided_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"Review(ad_id={self.ad_id!r}, decision={self.decision!r})"


class Alert(Base):
    """A risk warning (预警). At most one open alert per rule and subject."""

    __tablename__ = "alerts"
    __table_args__ = (
        Index(
            "uq_alerts_open_subject",
            "rule",
            "subject",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(60))
    subject_kind: Mapped[str] = mapped_column(String(20))  # ad | category | advertiser
    subject: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(10))  # red | orange | yellow
    status: Mapped[str] = mapped_column(String(10), default="open")
    title: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]]
    raised_on: Mapped[date]
    updated_on: Mapped[date]

    def __repr__(self) -> str:
        return f"Alert(rule={self.rule!r}, subject={self.subject!r}, level={self.level!r})"


class Case(Base):
    """A lead dispatched to a district bureau: dispatched → feedback → closed."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    ad_id: Mapped[int | None] = mapped_column(ForeignKey("ads.id"))
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id"))
    district: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str | None] = mapped_column(String(20))
    opened_at: Mapped[datetime]
    due_on: Mapped[date | None]
    closed_at: Mapped[datetime | None]

    events: Mapped[list[CaseEvent]] = relationship(back_populates="case", order_by="CaseEvent.at")

    def __repr__(self) -> str:
        return f"Case(id={self.id!r}, status={self.status!r})"


class CaseEvent(Base):
    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    attachment: Mapped[str | None] = mapped_column(String(500))
    at: Mapped[datetime]

    case: Mapped[Case] = relationship(back_populates="events")

    def __repr__(self) -> str:
        return f"CaseEvent(case_id={self.case_id!r}, kind={self.kind!r})"


class CitizenReport(Base):
    """A citizen's report of a suspected illegal ad (广告共治即时拍)."""

    __tablename__ = "citizen_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(20), unique=True)
    text: Mapped[str | None] = mapped_column(Text)
    photo_path: Mapped[str | None] = mapped_column(String(500))
    location: Mapped[str | None] = mapped_column(Text)
    district: Mapped[str | None] = mapped_column(String(50))
    advertiser: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="received")
    ad_id: Mapped[int | None] = mapped_column(ForeignKey("ads.id"))
    url: Mapped[str | None] = mapped_column(Text)
    photo_sha256: Mapped[str | None] = mapped_column(String(64))
    ip_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    reported_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"CitizenReport(tracking_code={self.tracking_code!r}, status={self.status!r})"


class IndicatorValue(Base):
    """One of the 16 indicators for one period and one slice, stored so trends are queries."""

    __tablename__ = "indicator_values"
    __table_args__ = (UniqueConstraint("period_kind", "period", "key", "slice_kind", "slice_value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_kind: Mapped[str] = mapped_column(String(10))  # day | month
    period: Mapped[str] = mapped_column(String(10))  # 2026-11-24 | 2026-11
    key: Mapped[str] = mapped_column(String(40))
    slice_kind: Mapped[str] = mapped_column(String(20))  # all | channel | category | district | platform
    slice_value: Mapped[str] = mapped_column(String(100))
    value: Mapped[float | None] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    computed_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"IndicatorValue({self.period!r}, {self.key!r}, {self.slice_kind}={self.slice_value!r}: {self.value!r})"


class Report(Base):
    """A generated report; regenerating a period replaces its row and files."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("kind", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(10))
    html_path: Mapped[str]
    xlsx_path: Mapped[str | None]
    summary: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"Report(kind={self.kind!r}, period={self.period!r})"


class User(Base):
    """A regulator's account: 监测员 (monitor), 执法人员 (enforcer) or 管理员 (admin)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"User(username={self.username!r}, role={self.role!r})"


class AuditEntry(Base):
    """Who did what, when, from where: every decision and change in the review app."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))
    subject: Mapped[str | None] = mapped_column(String(100))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    ip: Mapped[str | None] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"AuditEntry(actor={self.actor!r}, action={self.action!r}, subject={self.subject!r})"


class Assignment(Base):
    """An ad assigned to a reviewer: the 双随机 random sample of unflagged ads."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("ad_id", "assigned_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ad_id: Mapped[int] = mapped_column(ForeignKey("ads.id"))
    reviewer: Mapped[str] = mapped_column(String(50), index=True)
    assigned_on: Mapped[date]
    done: Mapped[bool] = mapped_column(Boolean, default=False)

    def __repr__(self) -> str:
        return f"Assignment(ad_id={self.ad_id!r}, reviewer={self.reviewer!r})"
