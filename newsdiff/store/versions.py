"""Versions and checks: the versioning rules of DESIGN.md.

Text is normalised before hashing; a new version is stored only when the hash differs from the
*latest* version's (A -> B -> A is three versions); an empty text is refused with
:class:`EmptyText`. Each version carries its change stats against the previous one, computed when
it is added, so listings and exports never re-diff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsdiff.errors import EmptyText, NotFound
from newsdiff.store.models import Article, Check, Version
from newsdiff.text import normalize_paragraph, normalize_paragraphs, text_hash

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


def apply_stats(version: Version, previous: Version | None) -> None:
    """Set ``version``'s change stats against ``previous`` (the whole text is new without one)."""
    if previous is None:
        version.paragraphs_inserted = len(version.paragraph_list)
        version.words_added = sum(len(p.split()) for p in version.paragraph_list)
        return
    from newsdiff.diff import Document, compare

    result = compare(
        Document(previous.title, previous.paragraph_list),
        Document(version.title, version.paragraph_list),
    )
    stats = result.stats
    version.title_changed = bool(result.title_changed)
    version.words_added = stats.words_added
    version.words_removed = stats.words_removed
    version.paragraphs_unchanged = stats.paragraphs_unchanged
    version.paragraphs_modified = stats.paragraphs_modified
    version.paragraphs_inserted = stats.paragraphs_inserted
    version.paragraphs_deleted = stats.paragraphs_deleted
    version.paragraphs_moved = stats.paragraphs_moved


def add_version(
    session: Session,
    article: Article,
    *,
    title: str,
    paragraphs: list[str],
    captured_at: datetime,
    extractor: str,
    extractor_version: str,
    byline: str | None = None,
    published_at: datetime | None = None,
    modified_at: datetime | None = None,
    headlines: dict[str, Any] | None = None,
    final_url: str | None = None,
    http_status: int | None = None,
    source: str = "live",
) -> AddResult:
    """Store a new version of ``article`` unless its normalised text equals the latest one's."""
    clean = normalize_paragraphs(paragraphs)
    if not clean:
        raise EmptyText(f"refusing an empty text for article {article.id} ({article.url})")
    clean_title = normalize_paragraph(title)
    digest = text_hash(clean_title, clean)
    previous = latest_version(session, article.id, lock=True)
    if previous is not None and previous.text_hash == digest:
        return AddResult(previous, False)
    version = Version(
        article_id=article.id,
        number=(previous.number + 1) if previous else 1,
        captured_at=captured_at,
        title=clean_title,
        headlines=headlines,
        byline=byline,
        published_at=published_at,
        modified_at=modified_at,
        paragraphs="\n".join(clean),
        text_hash=digest,
        extractor=extractor,
        extractor_version=extractor_version,
        final_url=final_url,
        http_status=http_status,
        source=source,
    )
    apply_stats(version, previous)
    session.add(version)
    article.version_count = version.number
    article.title = clean_title or article.title
    article.last_changed_at = captured_at
    if article.published_at is None and published_at is not None:
        article.published_at = published_at
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
) -> Check:
    """Record one check of ``article``: every check is kept, so each change has a known window."""
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
