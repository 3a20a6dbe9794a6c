"""Versions and checks: the versioning rules of DESIGN.md.

Text is normalised before hashing; a new version is stored only when the hash differs from the
*latest* version's (A -> B -> A is three versions); an empty text is refused with
:class:`EmptyText`. Each version carries its change stats against the previous one, computed when
it is added, so listings and exports never re-diff.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsdiff.errors import EmptyText, NotFound
from newsdiff.store.models import Article, Check, Version
from newsdiff.text import normalize_paragraph, normalize_paragraphs, same_text, text_hash

if TYPE_CHECKING:
    from newsdiff.diff import DocumentDiff

OUTCOMES = ("new_version", "unchanged", "not_modified", "error", "gone", "blocked", "skipped")


@dataclass(frozen=True)
class AddResult:
    """What ``add_version`` did: the latest version, and whether it was created just now."""

    version: Version
    created: bool


def latest_version(session: Session, article_id: int, *, lock: bool = False) -> Version | None:
    stmt = select(Version).where(Version.article_id == article_id).order_by(Version.number.desc())
    if lock:
        stmt = stmt.with_for_update()
    return session.scalars(stmt.limit(1)).first()


STAT_FIELDS = (
    "words_added",
    "words_removed",
    "paragraphs_unchanged",
    "paragraphs_modified",
    "paragraphs_inserted",
    "paragraphs_deleted",
    "paragraphs_moved",
)


@dataclass(frozen=True)
class VersionText:
    """What change stats need of the latest version: read before a write, then sent where the
    stats are computed (a worker process) with no transaction open."""

    number: int
    text_hash: str
    title: str
    paragraphs: tuple[str, ...]
    headlines: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class ChangeStats:
    """A new text's change stats against the version numbered ``against`` (``None``: no version
    yet), computed ahead of :func:`add_version`, which uses them only if that version is still
    the latest and the text is the same (``text_hash``); otherwise it computes them itself."""

    text_hash: str
    against: int | None
    against_hash: str | None
    title_changed: bool
    counts: tuple[int, ...]  # in the order of STAT_FIELDS

    def fits(self, digest: str, previous: Version | None) -> bool:
        if digest != self.text_hash:
            return False
        if previous is None:
            return self.against is None
        return self.against == previous.number and self.against_hash == previous.text_hash

    def apply(self, version: Version) -> None:
        version.title_changed = self.title_changed
        for name, value in zip(STAT_FIELDS, self.counts, strict=True):
            setattr(version, name, value)


def latest_text(session: Session, article_id: int) -> VersionText | None:
    """The latest version's number, hash, title and paragraphs (for :func:`change_stats`)."""
    row = session.execute(
        select(
            Version.number, Version.text_hash, Version.title, Version.paragraphs, Version.headlines
        )
        .where(Version.article_id == article_id)
        .order_by(Version.number.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return VersionText(
        row.number, row.text_hash, row.title, tuple(_split(row.paragraphs)), row.headlines
    )


def _split(paragraphs: str | None) -> list[str]:
    return paragraphs.split("\n") if paragraphs else []


def _stats(
    title: str,
    paragraphs: list[str],
    previous_title: str | None,
    previous: list[str] | None,
    keep: list[DocumentDiff] | None = None,
) -> tuple[bool, tuple[int, ...]]:
    """The headline flag and counts of a text against the one before; the diff they come from
    is appended to ``keep`` when given (the analyser reuses it)."""
    if previous is None:
        words = sum(len(p.split()) for p in paragraphs)
        return False, (words, 0, 0, 0, len(paragraphs), 0, 0)
    from newsdiff.diff import Document, compare

    result = compare(Document(previous_title or "", previous), Document(title, paragraphs))
    if keep is not None:
        keep.append(result)
    stats = result.stats
    return bool(result.title_changed), tuple(getattr(stats, name) for name in STAT_FIELDS)


def change_stats(
    title: str,
    paragraphs: list[str] | tuple[str, ...],
    previous: VersionText | None,
    headlines: dict[str, Any] | None = None,
    keep: list[DocumentDiff] | None = None,
) -> ChangeStats | None:
    """The stats :func:`add_version` would compute for this text against ``previous``, or
    ``None`` when the text is empty or equals ``previous`` (no version would be made). Pure and
    picklable: run it where the CPU is, outside any transaction. With ``keep``, the paragraph
    diff the stats come from is appended to it, for :func:`newsdiff.store.edits.compute_edits`
    to reuse (the extraction worker diffs each new text once)."""
    clean = normalize_paragraphs(paragraphs)
    if not clean:
        return None
    clean_title = normalize_paragraph(title)
    digest = text_hash(clean_title, clean, headlines)
    if previous is not None and same_text(
        previous.text_hash, previous.headlines, clean_title, clean, headlines, digest
    ):
        return None
    changed, counts = _stats(
        clean_title,
        clean,
        previous.title if previous else None,
        list(previous.paragraphs) if previous else None,
        keep,
    )
    return ChangeStats(
        digest,
        previous.number if previous else None,
        previous.text_hash if previous else None,
        changed,
        counts,
    )


def apply_stats(version: Version, previous: Version | None) -> None:
    """Set ``version``'s change stats against ``previous`` (the whole text is new without one)."""
    changed, counts = _stats(
        version.title,
        version.paragraph_list,
        previous.title if previous else None,
        previous.paragraph_list if previous else None,
    )
    version.title_changed = changed
    for name, value in zip(STAT_FIELDS, counts, strict=True):
        setattr(version, name, value)


@dataclass(frozen=True)
class VersionFields:
    """Everything a version records of one fetched page, as one typed value: made by the
    collector (live poll or archive backfill), written by :func:`add_version` or
    :func:`newsdiff.store.history.merge_version`. ``warc_*`` say where the raw capture of the
    response is (a file in the captures dir, its record's byte range)."""

    title: str
    paragraphs: tuple[str, ...]
    extractor: str
    extractor_version: str
    byline: str | None = None
    published_at: datetime | None = None
    modified_at: datetime | None = None
    headlines: Mapping[str, Any] | None = None
    final_url: str | None = None
    http_status: int | None = None
    source: str = "live"
    warc_file: str | None = None
    warc_offset: int | None = None
    warc_length: int | None = None

    def clean(self) -> tuple[str, list[str], str]:
        """The normalised headline and paragraphs and their hash; :class:`EmptyText` when no
        paragraph is left."""
        paragraphs = normalize_paragraphs(self.paragraphs)
        if not paragraphs:
            raise EmptyText("refusing an empty text")
        title = normalize_paragraph(self.title)
        return title, paragraphs, text_hash(title, paragraphs, self.headlines)

    def new_version(
        self, article_id: int, number: int, captured_at: datetime, clean: tuple[str, list[str], str]
    ) -> Version:
        """A :class:`Version` row holding these fields (``clean`` from :meth:`clean`)."""
        title, paragraphs, digest = clean
        return Version(
            article_id=article_id,
            number=number,
            captured_at=captured_at,
            title=title,
            headlines=dict(self.headlines) if self.headlines is not None else None,
            byline=self.byline,
            published_at=self.published_at,
            modified_at=self.modified_at,
            paragraphs="\n".join(paragraphs),
            text_hash=digest,
            extractor=self.extractor,
            extractor_version=self.extractor_version,
            final_url=self.final_url,
            http_status=self.http_status,
            source=self.source,
            warc_file=self.warc_file,
            warc_offset=self.warc_offset,
            warc_length=self.warc_length,
        )


def lock_article(session: Session, article_id: int) -> Article | None:
    """The article row, locked until the transaction ends (``SELECT ... FOR UPDATE`` on
    PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already serialises writers), and read afresh.

    Every write that numbers an article's versions takes this lock first: two processes checking
    the same article then queue, and the second sees the first's version as the latest, instead
    of both numbering a version 1 (a duplicate-key error on PostgreSQL)."""
    session.flush()  # the caller's pending changes to the row are kept, not overwritten
    return session.get(Article, article_id, with_for_update=True, populate_existing=True)


def add_version(
    session: Session,
    article: Article,
    fields: VersionFields,
    *,
    captured_at: datetime,
    stats: ChangeStats | None = None,
) -> AddResult:
    """Store a new version of ``article`` unless its normalised text equals the latest one's.

    The article row is locked first (:func:`lock_article`). ``stats`` (from
    :func:`change_stats`) saves diffing inside the transaction when they were computed against
    the version that is still the latest."""
    try:
        clean = fields.clean()
    except EmptyText:
        raise EmptyText(
            f"refusing an empty text for article {article.id} ({article.url})"
        ) from None
    lock_article(session, article.id)
    previous = latest_version(session, article.id)
    if previous is not None and same_text(
        previous.text_hash, previous.headlines, clean[0], clean[1], fields.headlines, clean[2]
    ):
        return AddResult(previous, False)
    number = (previous.number + 1) if previous else 1
    version = fields.new_version(article.id, number, captured_at, clean)
    if stats is not None and stats.fits(clean[2], previous):
        stats.apply(version)
    else:
        apply_stats(version, previous)
    session.add(version)
    article.version_count = version.number
    article.title = version.title or article.title
    article.last_changed_at = captured_at
    if article.published_at is None and fields.published_at is not None:
        article.published_at = fields.published_at
    session.flush()
    return AddResult(version, True)


def record_check(
    session: Session,
    article: Article,
    *,
    checked_at: datetime,
    outcome: str,
    http_status: int | None = None,
    error: str | None = None,
    duration_ms: int | None = None,
    version: Version | None = None,
    final_url: str | None = None,
    body_hash: str | None = None,
    source: str = "live",
    warnings: Sequence[str] = (),
) -> Check:
    """Record one check of ``article``: every check is kept, so each change has a known window.

    ``warnings`` (of a successful extraction: a rule that matched nothing...) are stored one per
    line."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown check outcome {outcome!r}")
    check = Check(
        article_id=article.id,
        checked_at=checked_at,
        outcome=outcome,
        http_status=http_status,
        error=error,
        duration_ms=duration_ms,
        version_id=version.id if version is not None else None,
        final_url=final_url,
        body_hash=body_hash,
        source=source,
        warnings="\n".join(" ".join(w.split()) for w in warnings) or None,
    )
    session.add(check)
    article.last_checked_at = checked_at
    session.flush()
    return check


def list_versions(session: Session, article_id: int) -> list[Version]:
    """All versions of an article, oldest first."""
    stmt = select(Version).where(Version.article_id == article_id).order_by(Version.number)
    return list(session.scalars(stmt))


def get_version(session: Session, article_id: int, number: int) -> Version:
    version = session.scalars(
        select(Version).where(Version.article_id == article_id, Version.number == number)
    ).one_or_none()
    if version is None:
        raise NotFound(f"article {article_id} has no version {number}")
    return version


@dataclass(frozen=True)
class ChangeWindow:
    """When a change happened: after ``last_old`` (last check that saw the old text) and by
    ``first_new`` (the first check that saw the new one)."""

    last_old: datetime | None
    first_new: datetime


def change_window(session: Session, new: Version) -> ChangeWindow:
    """The time window in which ``new`` replaced the version before it."""
    before = session.scalars(
        select(Check.checked_at)
        .where(
            Check.article_id == new.article_id,
            Check.checked_at < new.captured_at,
            Check.outcome.in_(("new_version", "unchanged", "not_modified")),
        )
        .order_by(Check.checked_at.desc())
        .limit(1)
    ).first()
    return ChangeWindow(last_old=before if new.number > 1 else None, first_new=new.captured_at)


def list_checks(session: Session, article_id: int) -> list[Check]:
    stmt = select(Check).where(Check.article_id == article_id).order_by(Check.checked_at, Check.id)
    return list(session.scalars(stmt))
