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
   extraction); an archived one never moves ``last_checked_at`` back.

Scheduling the next check is the collector's business, not the store's: it reads the
:class:`Recorded` outcome and sets the schedule in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from newsdiff.errors import EmptyText
from newsdiff.store.edits import VersionEdits, forget_edits, save_edits
from newsdiff.store.history import merge_version
from newsdiff.store.models import Article, Check, Version
from newsdiff.store.versions import ChangeStats, VersionFields, add_version, record_check

#: outcomes an observation without a text may carry
NO_TEXT_OUTCOMES = ("unchanged", "not_modified", "error", "gone", "blocked", "skipped")


@dataclass(frozen=True)
class Observation:
    """What one fetch of one article saw.

    ``fields`` holds the extracted text when there is one to store; otherwise ``outcome`` says
    what was seen instead (``unchanged`` when the body was byte-for-byte the last one, ``error``,
    ``gone``, ``blocked``, ``skipped``) and ``error`` why."""

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
        article.last_body_hash = obs.body_hash
    return Recorded(outcome, check, version, placement)
