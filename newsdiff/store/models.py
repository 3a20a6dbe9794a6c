"""SQLAlchemy 2 typed models: the data model of DESIGN.md.

Every constraint and index is named (see ``NAMING``) so that Alembic's batch mode on SQLite and
plain ALTERs on PostgreSQL agree. Datetimes are stored in UTC and always come back timezone-aware.
"""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

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
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    func,
    select,
)
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Mapper,
    column_property,
    mapped_column,
    relationship,
)

from newsdiff.errors import StoreError

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC (SQLite keeps no zone; this puts it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: newsdiff stores aware UTC datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[str]: JSON}


class Outlet(Base):
    __tablename__ = "outlets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    domain: Mapped[str | None] = mapped_column(String(255), index=True)


class Feed(Base):
    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlets.id", ondelete="SET NULL"))
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    added_at: Mapped[datetime]
    next_poll_at: Mapped[datetime | None] = mapped_column(index=True)
    last_polled_at: Mapped[datetime | None]
    last_status: Mapped[int | None]
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_warning: Mapped[str | None] = mapped_column(Text)

    outlet: Mapped[Outlet | None] = relationship()


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (Index("ix_articles_status_next_check_at", "status", "next_check_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outlet_id: Mapped[int | None] = mapped_column(
        ForeignKey("outlets.id", ondelete="SET NULL"), index=True
    )
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    first_seen_at: Mapped[datetime]
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(16), default="tracking")
    next_check_at: Mapped[datetime | None]
    check_interval: Mapped[int | None] = mapped_column(Integer)  # seconds
    last_checked_at: Mapped[datetime | None]
    last_changed_at: Mapped[datetime | None]
    last_body_hash: Mapped[str | None] = mapped_column(String(64))
    # the validators (ETag, Last-Modified) of the response whose body hashed to last_body_hash,
    # sent back on the next check (a 304 is a not_modified check): set and cleared with it
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    failure_count: Mapped[int] = mapped_column(Integer, default=0)
    version_count: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str | None] = mapped_column(Text)  # latest headline (or the feed's before v1)

    outlet: Mapped[Outlet | None] = relationship()


class ArticleURL(Base):
    __tablename__ = "article_urls"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # alias / redirect / canonical / feed
    first_seen_at: Mapped[datetime]


class FeedEntry(Base):
    __tablename__ = "feed_entries"
    __table_args__ = (UniqueConstraint("feed_id", "article_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    entry_url: Mapped[str] = mapped_column(String(2000))
    title: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class Version(Base):
    __tablename__ = "versions"
    __table_args__ = (
        UniqueConstraint("article_id", "number"),
        Index("ix_versions_captured_at", "captured_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    number: Mapped[int]
    captured_at: Mapped[datetime]
    title: Mapped[str] = mapped_column(Text)
    headlines: Mapped[dict[str, Any] | None]  # {"h1", "og", "html", "feed"}
    byline: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None]
    modified_at: Mapped[datetime | None]
    # The text (one paragraph per line) is ``paragraphs``, read through ``newsdiff_text()``
    # from the stored form (newsdiff.store.textstore): the "paragraphs" column holds it as it
    # is only for versions stored before the compact forms (text_codec NULL), else "". A bulk
    # ``insert(Version)`` skips the hook that encodes ``paragraphs`` and ignores that key: pass
    # ``plain_paragraphs`` (the plain form) there.
    plain_paragraphs: Mapped[str] = mapped_column("paragraphs", Text, default="")
    text_codec: Mapped[str | None] = mapped_column(String(8))  # zstd / plain / delta
    text_data: Mapped[bytes | None] = mapped_column(LargeBinary)
    text_base_id: Mapped[int | None] = mapped_column(Integer, index=True)  # a delta's full copy
    text_digest: Mapped[str | None] = mapped_column(String(32))  # SHA-256 of the text, 128 bits
    text_hash: Mapped[str] = mapped_column(String(64))
    extractor: Mapped[str] = mapped_column(String(50))
    extractor_version: Mapped[str] = mapped_column(String(50))
    final_url: Mapped[str | None] = mapped_column(String(2000))
    http_status: Mapped[int | None]
    source: Mapped[str] = mapped_column(String(200), default="live")  # or "archive:<ts>"
    title_changed: Mapped[bool] = mapped_column(Boolean, default=False)
    words_added: Mapped[int] = mapped_column(Integer, default=0)
    words_removed: Mapped[int] = mapped_column(Integer, default=0)
    paragraphs_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    paragraphs_modified: Mapped[int] = mapped_column(Integer, default=0)
    paragraphs_inserted: Mapped[int] = mapped_column(Integer, default=0)
    paragraphs_deleted: Mapped[int] = mapped_column(Integer, default=0)
    paragraphs_moved: Mapped[int] = mapped_column(Integer, default=0)
    # the raw capture: a WARC file inside the captures dir, and its record's byte range
    warc_file: Mapped[str | None] = mapped_column(String(500))
    warc_offset: Mapped[int | None] = mapped_column(BigInteger)
    warc_length: Mapped[int | None] = mapped_column(Integer)
    # typed edits against the version before: who computed them, their kinds, all trivial?
    analyser_version: Mapped[str | None] = mapped_column(String(32), index=True)
    edit_kinds: Mapped[str | None] = mapped_column(String(200))  # "headline,quote"; "" none
    trivial: Mapped[bool | None] = mapped_column(Boolean)

    article: Mapped[Article] = relationship()
    if TYPE_CHECKING:
        paragraphs: Mapped[str]  # the column_property below the class

    @property
    def paragraph_list(self) -> list[str]:
        return self.paragraphs.split("\n") if self.paragraphs else []


def version_text(versions: Any) -> Any:
    """The SQL expression of the text of a row of ``versions`` (the table or an alias of it):
    ``newsdiff_text()`` of its stored form (newsdiff.store.textstore), NULL when damaged."""
    base = Version.__table__.alias("text_base")
    return func.newsdiff_text(
        versions.c.text_codec,
        versions.c.text_data,
        select(base.c.text_data).where(base.c.id == versions.c.text_base_id).scalar_subquery(),
        versions.c.text_digest,
        versions.c.paragraphs,
        type_=Text,
    )


#: The version's text, decoded from its stored form by ``newsdiff_text()`` in SQL (NULL when
#: the stored form is damaged: loading the version then raises ``DamagedText``).
Version.paragraphs = column_property(version_text(Version.__table__))


@event.listens_for(Version, "before_insert")
def _store_text(_mapper: Mapper[Any], connection: Connection, target: Version) -> None:
    from newsdiff.store.textstore import encode_version

    encode_version(connection, target)


@event.listens_for(Version, "load")
def _check_text(target: Version, _context: Any) -> None:
    if target.__dict__.get("paragraphs", "") is None:
        from newsdiff.store.textstore import DamagedText

        where = f"on version {target.text_base_id}" if target.text_base_id else "a full copy"
        raise DamagedText(
            f"article {target.article_id} version {target.number} (id {target.id}): its stored "
            f"text ({target.text_codec}, {where}) cannot be read back; run `newsdiff db check`"
        )


class Edit(Base):
    """One typed edit of a version against the version before it (``newsdiff.diff.edits``)."""

    __tablename__ = "edits"
    __table_args__ = (Index("ix_edits_kind_change", "kind", "change"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("versions.id", ondelete="CASCADE"), index=True
    )
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]  # order within the version's edits
    kind: Mapped[str] = mapped_column(String(32))  # headline / number / quote / source ...
    change: Mapped[str] = mapped_column(String(16))  # added / removed / changed / firmer / softer
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    old_paragraph: Mapped[int | None]
    new_paragraph: Mapped[int | None]
    silent: Mapped[bool] = mapped_column(Boolean, default=False)
    detail: Mapped[dict[str, Any] | None]


class Check(Base):
    __tablename__ = "checks"
    __table_args__ = (Index("ix_checks_article_id_checked_at", "article_id", "checked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    checked_at: Mapped[datetime]
    # new_version / unchanged / not_modified / error / gone / blocked / skipped
    outcome: Mapped[str] = mapped_column(String(16))
    http_status: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    warnings: Mapped[str | None] = mapped_column(Text)  # extraction warnings, one per line
    duration_ms: Mapped[int | None]
    version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id", ondelete="SET NULL"))
    final_url: Mapped[str | None] = mapped_column(String(2000))
    body_hash: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(200), default="live")


class Story(Base):
    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)

    events: Mapped[list[Event]] = relationship(
        back_populates="story", order_by="Event.date", cascade="all, delete-orphan"
    )


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("story_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(50))
    date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    date_precision: Mapped[str] = mapped_column(String(8), default="day")  # day / month / year
    description: Mapped[str | None] = mapped_column(Text)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)

    story: Mapped[Story] = relationship(back_populates="events")


class Coverage(Base):
    __tablename__ = "coverage"
    __table_args__ = (UniqueConstraint("event_id", "article_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    origin: Mapped[str] = mapped_column(String(8))  # auto / manual
    excluded: Mapped[bool] = mapped_column(Boolean, default=False)  # a manual unlink
    score: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class AlertState(Base):
    """An ``[[alerts]]`` table of the config, as far as sending has gone. Versions captured
    before ``first_seen_at`` are never sent (adding an alert does not send the archive);
    versions captured before ``scanned_until`` have been matched against it
    (``newsdiff.alerts.match``)."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    first_seen_at: Mapped[datetime]
    scanned_until: Mapped[datetime | None]
    last_run_at: Mapped[datetime | None]


class AlertDelivery(Base):
    """One change (a version) to send, or sent, to one URL of an alert. ``target`` is a hash of
    the URL (apprise URLs hold tokens and passwords: they are not stored)."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (
        UniqueConstraint("alert_id", "target", "version_id"),
        Index("ix_alert_deliveries_alert_id_status", "alert_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(16))
    version_id: Mapped[int] = mapped_column(
        ForeignKey("versions.id", ondelete="CASCADE"), index=True
    )
    # pending / sending (claimed by a sender) / sent / summarised (in a summary message)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    created_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # failed sends so far
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


def _clean(value: Any) -> Any:
    """``value`` without NUL characters, at any depth of a JSON value."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


@event.listens_for(Base, "before_insert", propagate=True)
@event.listens_for(Base, "before_update", propagate=True)
def _fit_values(_mapper: Mapper[Any], _connection: Connection, target: Any) -> None:
    """Make every row mean the same on SQLite and PostgreSQL before it is written.

    PostgreSQL refuses NUL in text (SQLite keeps it), so NUL is dropped everywhere: it never
    carries meaning in a title, URL or error message from the web. PostgreSQL refuses a string
    longer than its column (SQLite keeps it): a value that only records something (a final URL,
    an ETag) is cut to fit, but a value that identifies a row (a unique URL) is refused with a
    :class:`StoreError`, since two long URLs cut to one prefix would merge two articles."""
    for attr in _mapper.column_attrs:
        value = target.__dict__.get(attr.key)
        if value is None or isinstance(value, int | float | datetime | dt.date):
            continue
        cleaned = _clean(value)
        column = attr.columns[0]
        length = getattr(column.type, "length", None)
        if isinstance(cleaned, str) and length is not None and len(cleaned) > length:
            if column.unique or column.primary_key:
                raise StoreError(
                    f"{target.__tablename__}.{column.name}: a value of {len(cleaned):,} "
                    f"characters is longer than the {length:,} allowed"
                )
            cleaned = cleaned[: length - 1] + "\u2026"
        if cleaned is not value and cleaned != value:
            setattr(target, attr.key, cleaned)


def utcnow() -> datetime:
    return datetime.now(UTC)
