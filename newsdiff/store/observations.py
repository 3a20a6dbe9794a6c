"""One observation, one write: what one fetch of an article saw, and the one function that records
it (a version or not, plus the check).

Both collectors make an :class:`Observation`: the live poll (``collect/poll.py``) for what it
fetched just now, the archive backfill (``collect/backfill.py``) for a capture from a web archive.
:func:`record_observation` writes it inside the caller's short write transaction:

1. the article row is locked (``SELECT ... FOR UPDATE`` on PostgreSQL; ``BEGIN IMMEDIATE`` on
   SQLite), so that two processes observing one article queue instead of numbering two versions
   alike;
2. a text (``fields``) is appended as the new latest version (live) or merged into the history at
   its time (archive, ``in_time_order``), unless it equals its neighbour; an empty text becomes an
   ``error`` check, never a version; a live version gets the typed edits computed ahead
   (``edits``) when they were computed against the version that is still before it; a version
   that gets a new predecessor from the archive loses its edits until ``newsdiff analyse``;
3. the check is recorded, whatever happened, with the version it made if it made one;
4. a live observation moves ``last_checked_at`` (and the body hash that lets the next check skip
   extraction, with the response's validators that let it ask for a 304); an archived one never
   moves ``last_checked_at`` back.

Scheduling the next check is the collector's business, not the store's: it reads the
:class:`Recorded` outcome and sets the schedule in the same transaction.

Most checks see nothing new. :func:`record_seen_again` records many of them in one transaction,
each still its own ``checks`` row (steps 1, 3 and 4 above, for all of them at once, in three
statements): the collector's schedule for each comes from a callback.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from newsdiff.errors import EmptyText
from newsdiff.store.edits import VersionEdits, forget_edits, save_edits
from newsdiff.store.history import merge_version
from newsdiff.store.models import Article, Check, Version
from newsdiff.store.versions import ChangeStats, VersionFields, add_version, record_check

#: outcomes an observation without a text may carry
NO_TEXT_OUTCOMES = ("unchanged", "not_modified", "error", "gone", "blocked", "skipped")
#: the outcomes of an observation that saw nothing new: :func:`record_seen_again` takes these
SEEN_AGAIN = ("unchanged", "not_modified")


@dataclass(frozen=True)
class Observation:
    """What one fetch of one article saw.

    ``fields`` holds the extracted text when there is one to store; otherwise ``outcome`` says
    what was seen instead (``unchanged`` when the body was byte-for-byte the last one,
    ``not_modified`` when the server answered 304 to the validators of the last one, ``error``,
    ``gone``, ``blocked``, ``skipped``) and ``error`` why.

    ``etag`` and ``last_modified`` are the response's validators; a 304's are those it
    confirmed (the ones sent), and its ``body_hash`` the hash of the body they stand for."""

    article_id: int
    checked_at: datetime
    fields: VersionFields | None = None
    outcome: str = "error"
    error: str | None = None
    stats: ChangeStats | None = None
    edits: VersionEdits | None = None  # typed edits against the latest version, computed ahead
    http_status: int | None = None
    final_url: str | None = None
    body_hash: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    duration_ms: int | None = None
    warnings: tuple[str, ...] = ()
    source: str = "live"  # the check's source: live, or the archive that held the capture
    in_time_order: bool = False  # an archived capture: merged into the history at its time

    def __post_init__(self) -> None:
        if self.fields is None and self.outcome not in NO_TEXT_OUTCOMES:
            raise ValueError(f"an observation without a text cannot be {self.outcome!r}")


@dataclass(frozen=True)
class Recorded:
    """What :func:`record_observation` wrote."""

    outcome: str  # the check's outcome: new_version, unchanged, error...
    check: Check
    version: Version | None = None  # the version made, or the stored one the text equals
    placement: str | None = None  # for archived texts: appended / inserted / moved_earlier...

    @property
    def created(self) -> bool:
        return self.outcome == "new_version"


def record_observation(session: Session, article: Article, obs: Observation) -> Recorded:
    """Record ``obs`` of ``article`` (see the module docstring). Call inside a write
    transaction; ``article`` must belong to ``session``."""
    last_checked = article.last_checked_at
    outcome, error = obs.outcome, obs.error
    version: Version | None = None
    placement: str | None = None
    if obs.fields is not None:
        try:
            if obs.in_time_order:
                merged = merge_version(session, article, obs.fields, captured_at=obs.checked_at)
                version, outcome, placement = merged.version, merged.outcome, merged.placement
                if merged.following is not None:
                    # a new predecessor: the next version's edits no longer hold
                    forget_edits(session, merged.following)
            else:
                added = add_version(
                    session, article, obs.fields, captured_at=obs.checked_at, stats=obs.stats
                )
                version = added.version
                outcome = "new_version" if added.created else "unchanged"
                if added.created and obs.edits is not None:
                    save_edits(session, version, obs.edits)  # unless computed against another
        except EmptyText as exc:
            outcome, error = "error", str(exc)
    check = record_check(
        session,
        article,
        checked_at=obs.checked_at,
        outcome=outcome,
        http_status=obs.http_status,
        error=error,
        duration_ms=obs.duration_ms,
        version=version if outcome == "new_version" else None,
        final_url=obs.final_url,
        body_hash=obs.body_hash,
        source=obs.source,
        warnings=obs.warnings,
    )
    if obs.in_time_order:  # an archived check is history: it never moves the last check back
        article.last_checked_at = max(
            (t for t in (last_checked, obs.checked_at) if t is not None), default=obs.checked_at
        )
    elif obs.fields is not None and obs.body_hash is not None and outcome != "error":
        _keep_body(article, obs)
    elif obs.outcome in SEEN_AGAIN and still_seen(article, obs):
        _keep_body(article, obs)  # the same bytes: the validators may be new
    return Recorded(outcome, check, version, placement)


def _keep_body(article: Article, obs: Observation) -> None:
    """The body ``obs`` saw becomes the article's last one, with its validators (none when the
    response had none: validators of other bytes must never be sent for these)."""
    article.last_body_hash = obs.body_hash
    article.etag = obs.etag
    article.last_modified = obs.last_modified


@dataclass(frozen=True)
class SeenArticle:
    """An article as :func:`record_seen_again` finds it, locked: what its caller schedules the
    next check from, and what tells whether the check still describes it."""

    id: int
    url: str
    first_seen_at: datetime
    check_interval: int | None
    last_body_hash: str | None
    etag: str | None
    last_modified: str | None


#: the article's next (status, next_check_at, check_interval), decided by the collector
Plan = Callable[[SeenArticle, Observation], tuple[str, datetime | None, int]]


def still_seen(article: SeenArticle | Article, obs: Observation) -> bool:
    """Whether a seen-again ``obs`` still describes ``article``: the bytes it found the same are
    still the article's last ones (no other process has stored another body since the check
    read them), and for a 304 the validators it sent are still the article's."""
    if obs.body_hash is None or article.last_body_hash != obs.body_hash:
        return False
    if obs.outcome == "not_modified":
        return article.etag == obs.etag and article.last_modified == obs.last_modified
    return True


def record_seen_again(
    session: Session, observations: Sequence[Observation], plan: Plan
) -> list[str]:
    """Record live observations that saw nothing new (outcome in :data:`SEEN_AGAIN`, no text)
    in the caller's write transaction, one ``checks`` row each: the articles are locked (in id
    order, so that two processes cannot deadlock), each found unchanged since its check read it
    gets its check and ``plan``'s schedule, with ``last_checked_at`` moved and its failure count
    reset. Returns, in order, for each observation ``"recorded"``, ``"changed"`` (the article
    holds other bytes now: nothing recorded, the caller looks again) or ``"missing"`` (the
    article was deleted).

    Three statements for any number of observations: what a poll of mostly unchanged pages
    spends on the database."""
    for obs in observations:
        if obs.outcome not in SEEN_AGAIN or obs.fields is not None or obs.in_time_order:
            raise ValueError(f"not a live observation that saw nothing new: {obs.outcome!r}")
    articles, checks_table = cast(Table, Article.__table__), cast(Table, Check.__table__)
    url_length = getattr(checks_table.c.final_url.type, "length", None)
    etag_length = getattr(articles.c.etag.type, "length", None)
    modified_length = getattr(articles.c.last_modified.type, "length", None)
    found = {
        row.id: SeenArticle(*row)
        for row in session.execute(
            select(
                articles.c.id,
                articles.c.url,
                articles.c.first_seen_at,
                articles.c.check_interval,
                articles.c.last_body_hash,
                articles.c.etag,
                articles.c.last_modified,
            )
            .where(articles.c.id.in_(sorted({obs.article_id for obs in observations})))
            .order_by(articles.c.id)
            .with_for_update()
        )
    }
    results: list[str] = []
    checks: list[dict[str, object]] = []
    moves: list[dict[str, object]] = []
    for obs in observations:
        article = found.get(obs.article_id)
        if article is None:
            results.append("missing")
            continue
        if not still_seen(article, obs):
            results.append("changed")
            continue
        results.append("recorded")
        checks.append(
            {
                "article_id": obs.article_id,
                "checked_at": obs.checked_at,
                "outcome": obs.outcome,
                "http_status": obs.http_status,
                "duration_ms": obs.duration_ms,
                "final_url": _fit(obs.final_url, url_length),
                "body_hash": obs.body_hash,
                "source": obs.source,
            }
        )
        status, next_check_at, interval = plan(article, obs)
        moves.append(
            {
                "b_id": obs.article_id,
                "b_checked": obs.checked_at,
                "b_status": status,
                "b_next": next_check_at,
                "b_interval": interval,
                # the same bytes: their validators may be new (a 304 confirms the sent ones)
                "b_etag": _fit(obs.etag, etag_length),
                "b_modified": _fit(obs.last_modified, modified_length),
            }
        )
    if checks:
        session.execute(insert(checks_table), checks)
        session.execute(
            update(articles)
            .where(articles.c.id == bindparam("b_id"))
            .values(
                last_checked_at=bindparam("b_checked"),
                failure_count=0,
                status=bindparam("b_status"),
                next_check_at=bindparam("b_next"),
                check_interval=bindparam("b_interval"),
                etag=bindparam("b_etag"),
                last_modified=bindparam("b_modified"),
            ),
            moves,
        )
    return results


def _fit(value: str | None, length: int | None) -> str | None:
    """``value`` as the models' ``_fit_values`` writes it (these rows skip the ORM): no NUL,
    cut to the column's length."""
    if value is None:
        return None
    value = value.replace("\x00", "")
    if length is not None and len(value) > length:
        value = value[: length - 1] + "\u2026"
    return value
