"""An article's history in time order: putting a text seen at some time into it.

Versions are numbered 1..n in ``captured_at`` order. A capture
newer than the latest version is appended as the poller appends. A capture older than some
version is merged in one short write transaction, with the article's versions locked:

1. find the version in force at the capture's time (``P``, the last one captured at or before
   it) and the one after it (``S``);
2. same text as ``P``: nothing to store (an ``unchanged`` check);
3. same text as ``S``: the archive saw ``S``'s text earlier than we did, so ``S`` moves back to
   the capture's time and its ``source`` becomes ``archive:<timestamp>`` (its first evidence);
   numbers and stats stay as they are;
4. otherwise the new version is inserted between them: ``S`` and every later version shift up by
   one (in two steps, through negative numbers, so that the ``(article_id, number)`` unique
   constraint holds at every statement on SQLite and PostgreSQL), the new version gets
   ``P.number + 1`` with stats against ``P``, and ``S``'s stats are recomputed against the new
   version (``newsdiff.diff.compare``). No other version's stats change, since only ``S`` gets a
   new predecessor.

So ``A`` archived in 2008 then ``B`` polled live today reads v1 ``A`` (archive), v2 ``B`` (live)
whichever was stored first. Renumbering means a version's number can change when older captures
arrive: refer to versions by ``captured_at`` in anything long-lived. Checks point at versions by
id and are unaffected. ``article.last_checked_at`` is never moved back by an archived check.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsdiff.errors import EmptyText
from newsdiff.store.models import Article, Version
from newsdiff.store.versions import VersionFields, add_version, apply_stats, lock_article
from newsdiff.text import same_text


@dataclass(frozen=True)
class MergeResult:
    """What :func:`merge_version` did. ``outcome`` is the check outcome to record."""

    version: Version
    outcome: str  # new_version / unchanged
    placement: str  # appended / inserted / moved_earlier / same_as_previous
    following: Version | None = None  # the version after it, when it got a new predecessor


def merge_version(
    session: Session, article: Article, fields: VersionFields, *, captured_at: datetime
) -> MergeResult:
    """Put a text seen at ``captured_at`` into the article's history in time order (see the
    module docstring). Raises :class:`EmptyText` for an empty text."""
    try:
        clean = fields.clean()
    except EmptyText:
        raise EmptyText(
            f"refusing an empty text for article {article.id} ({article.url})"
        ) from None
    digest = clean[2]
    lock_article(session, article.id)
    versions = list(
        session.scalars(
            select(Version)
            .where(Version.article_id == article.id)
            .order_by(Version.number)
            .with_for_update()
        )
    )
    at = bisect.bisect_right([v.captured_at for v in versions], captured_at)
    previous = versions[at - 1] if at else None
    following = versions[at] if at < len(versions) else None
    title, paragraphs = clean[0], clean[1]
    if previous is not None and same_text(
        previous.text_hash, previous.headlines, title, paragraphs, fields.headlines, digest
    ):
        return MergeResult(previous, "unchanged", "same_as_previous")
    if following is None:
        added = add_version(session, article, fields, captured_at=captured_at)
        return MergeResult(added.version, "new_version", "appended")
    if same_text(
        following.text_hash, following.headlines, title, paragraphs, fields.headlines, digest
    ):
        following.captured_at = captured_at
        following.source = fields.source
        session.flush()
        return MergeResult(following, "unchanged", "moved_earlier")

    later = versions[at:]
    for v in later:  # two steps through negative numbers: (article_id, number) stays unique
        v.number = -(v.number + 1)
    session.flush()
    for v in later:
        v.number = -v.number
    session.flush()
    version = fields.new_version(
        article.id, (previous.number + 1) if previous else 1, captured_at, clean
    )
    apply_stats(version, previous)
    session.add(version)
    session.flush()
    apply_stats(following, version)
    article.version_count = len(versions) + 1
    if article.published_at is None and fields.published_at is not None:
        article.published_at = fields.published_at
    session.flush()
    return MergeResult(version, "new_version", "inserted", following)


def would_store(session: Session, article_id: int, captured_at: datetime, digest: str) -> bool:
    """Whether :func:`merge_version` would store a new version for a text hashing to ``digest``
    seen at ``captured_at`` (not the text of the versions just before or after it). Read
    outside the write transaction, to decide whether a raw capture is worth keeping; a
    concurrent writer can still change the answer, which costs at most an unreferenced
    capture."""
    rows = session.execute(
        select(Version.captured_at, Version.text_hash)
        .where(Version.article_id == article_id)
        .order_by(Version.number)
    ).all()
    at = bisect.bisect_right([when for when, _ in rows], captured_at)
    neighbours = {rows[k][1] for k in (at - 1, at) if 0 <= k < len(rows)}
    return digest not in neighbours
