"""Sending: each pending delivery once, failures kept for the next run, a limit per run.

For each alert and each of its URLs, oldest change first:

1. The first ``max_per_poll`` pending deliveries are sent one message each; the rest, if any, go
   together in one summary message (a line per change). So a URL gets at most
   ``max_per_poll + 1`` messages per run, however much changed.
2. A delivery is *claimed* before its send (``pending`` -> ``sending``, in its own short
   transaction, only if still pending), so two senders at once (a poll and ``newsdiff alerts
   send``, or two workers) never send it twice. A claim older than :data:`CLAIM_LEASE` (a sender
   that died mid-send) is taken over.
3. After the send, in another short transaction: ``sent`` (or ``summarised``) with the time, or
   back to ``pending`` with ``attempts`` + 1 and the error. A URL that failed gets nothing more
   this run (its service is down or hanging: one timeout per URL and run, not one per change);
   the next run retries from the oldest. Nothing is ever dropped.

Never twice, with one exception no sender can avoid: a process killed between a service
accepting a message and the database recording it sends that message again after the lease.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from newsdiff.alerts.match import alert_state, edit_filter, scan
from newsdiff.alerts.message import Change, EditText, Message, change_message, summary_message
from newsdiff.alerts.send import AppriseNotifier, Notifier, shown, target_of
from newsdiff.config import AlertSettings, Settings
from newsdiff.store.db import Database
from newsdiff.store.models import (
    AlertDelivery,
    AlertState,
    Article,
    Edit,
    Outlet,
    Version,
    utcnow,
)

logger = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(minutes=10)
PENDING = "pending"
SENDING = "sending"
SENT = "sent"
SUMMARISED = "summarised"


@dataclass
class AlertOutcome:
    """One alert's run."""

    name: str
    matched: int = 0  # new changes matched this run
    sent: int = 0  # messages sent about one change each
    summaries: int = 0  # summary messages sent
    summarised: int = 0  # changes told in them
    failed: int = 0  # sends that failed (retried next run)
    pending: int = 0  # deliveries left for the next run
    errors: list[str] = field(default_factory=list)  # "URL: why", and a match key's problem

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "matched": self.matched,
            "sent": self.sent,
            "summaries": self.summaries,
            "summarised": self.summarised,
            "failed": self.failed,
            "pending": self.pending,
            "errors": list(self.errors),
        }


@dataclass
class AlertsReport:
    outcomes: list[AlertOutcome] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [f"alert {o.name}: {e}" for o in self.outcomes for e in o.errors]

    def line(self) -> str:
        sent = sum(o.sent + o.summaries for o in self.outcomes)
        failed = sum(o.failed for o in self.outcomes)
        pending = sum(o.pending for o in self.outcomes)
        text = f"alerts: {sent} message{'s' if sent != 1 else ''} sent"
        if failed:
            text += f", {failed} failed"
        if pending:
            text += f", {pending} pending for the next run"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"alerts": [o.to_dict() for o in self.outcomes]}


def send_alerts(
    settings: Settings,
    database: Database,
    *,
    notifier: Notifier | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> AlertsReport:
    """Match the new versions against every ``[[alerts]]`` table and send what is pending
    (see the module docstring). Failed sends are recorded, never raised; a database error is
    (:class:`~newsdiff.errors.StoreError`)."""
    notifier = notifier or AppriseNotifier()
    report = AlertsReport()
    for alert in settings.alerts:
        outcome = AlertOutcome(alert.name)
        report.outcomes.append(outcome)
        now = clock()
        state = alert_state(database, alert.name, now)
        found = scan(database, alert, state, now)
        outcome.matched = found.matched
        if found.problem:
            outcome.errors.append(found.problem)
        for url in alert.urls:
            _deliver(database, alert, state, url, notifier, clock, outcome)
        outcome.pending = _count_pending(database, state.id, alert)
    return report


def _count_pending(database: Database, alert_id: int, alert: AlertSettings) -> int:
    targets = [target_of(url) for url in alert.urls]
    with database.read() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(AlertDelivery)
                .where(
                    AlertDelivery.alert_id == alert_id,
                    AlertDelivery.target.in_(targets),
                    AlertDelivery.status.in_([PENDING, SENDING]),
                )
            )
            or 0
        )


def _due(session: Session, alert_id: int, target: str, now: datetime) -> list[int]:
    """The deliveries to send now, oldest change first."""
    stmt = (
        select(AlertDelivery.id)
        .join(Version, Version.id == AlertDelivery.version_id)
        .where(
            AlertDelivery.alert_id == alert_id,
            AlertDelivery.target == target,
            _claimable(now),
        )
        .order_by(Version.captured_at, Version.id)
    )
    return list(session.scalars(stmt))


def _claimable(now: datetime) -> Any:
    return or_(
        AlertDelivery.status == PENDING,
        (AlertDelivery.status == SENDING) & (AlertDelivery.claimed_at < now - CLAIM_LEASE),
    )


def _claim(database: Database, ids: list[int], now: datetime) -> list[int]:
    """Take ``ids`` for sending; returns the ones this caller got."""
    if not ids:
        return []
    with database.write() as session:
        got = session.scalars(
            update(AlertDelivery)
            .where(AlertDelivery.id.in_(ids), _claimable(now))
            .values(status=SENDING, claimed_at=now)
            .returning(AlertDelivery.id)
        ).all()
    return sorted(got)


def _record(
    database: Database, ids: list[int], error: str | None, done: str, now: datetime
) -> None:
    with database.write() as session:
        stmt = update(AlertDelivery).where(AlertDelivery.id.in_(ids))
        if error is None:
            session.execute(stmt.values(status=done, sent_at=now, last_error=None))
        else:
            session.execute(
                stmt.values(
                    status=PENDING, attempts=AlertDelivery.attempts + 1, last_error=error[:2000]
                )
            )


def _deliver(
    database: Database,
    alert: AlertSettings,
    state: AlertState,
    url: str,
    notifier: Notifier,
    clock: Callable[[], datetime],
    outcome: AlertOutcome,
) -> None:
    """Send what is pending for one URL of ``alert`` (steps 1-3 of the module docstring)."""
    target = target_of(url)
    with database.read() as session:
        due = _due(session, state.id, target, clock())
    singles, rest = due[: alert.max_per_poll], due[alert.max_per_poll :]
    for delivery_id in singles:
        claimed = _claim(database, [delivery_id], clock())
        if not claimed:
            continue  # another sender has it
        message = _message_for(database, alert, claimed)
        if _send(database, notifier, alert, url, message, claimed, SENT, clock, outcome):
            outcome.sent += 1
        else:
            return
    claimed = _claim(database, rest, clock())
    if claimed:
        message = _message_for(database, alert, claimed)
        if _send(database, notifier, alert, url, message, claimed, SUMMARISED, clock, outcome):
            outcome.summaries += 1
            outcome.summarised += len(claimed)


def _send(
    database: Database,
    notifier: Notifier,
    alert: AlertSettings,
    url: str,
    message: Message,
    ids: list[int],
    done: str,
    clock: Callable[[], datetime],
    outcome: AlertOutcome,
) -> bool:
    try:
        error = notifier.send(url, message, alert.timeout_s)
    except Exception as exc:  # noqa: BLE001 - any failure of a send is recorded, then retried
        error = f"{exc.__class__.__name__}: {exc}"
    _record(database, ids, error, done, clock())
    if error is not None:
        outcome.failed += 1
        outcome.errors.append(f"{shown(url)}: {error}")
        logger.warning("alert %s: sending to %s failed: %s", alert.name, shown(url), error)
        return False
    return True


def _message_for(database: Database, alert: AlertSettings, ids: list[int]) -> Message:
    """The message for claimed deliveries: one change, or a summary of several."""
    with database.read() as session:
        version_ids = list(
            session.scalars(
                select(AlertDelivery.version_id)
                .join(Version, Version.id == AlertDelivery.version_id)
                .where(AlertDelivery.id.in_(ids))
                .order_by(Version.captured_at, Version.id)
            )
        )
        changes = [load_change(session, vid) for vid in version_ids]
        if len(ids) == 1 and changes:
            matched = _matched_edits(session, alert, version_ids[0])
            notes = _notes(alert)
            return change_message(alert.name, changes[0], matched=matched, notes=notes)
    return summary_message(alert.name, changes, alert.max_per_poll)


def _notes(alert: AlertSettings) -> tuple[str, ...]:
    if not alert.phrase:
        return ()
    how = {"added": "appeared", "removed": "disappeared", "any": "appeared or disappeared"}
    return (f"phrase '{alert.phrase}' {how[alert.phrase_in]}",)


def _edit_text(edit: Edit) -> EditText:
    detail = edit.detail or {}
    return EditText(
        edit.kind,
        edit.change,
        edit.old,
        edit.new,
        edit.silent,
        speaker=str(detail["speaker"]) if detail.get("speaker") else None,
        old_value=detail.get("old_value"),
        new_value=detail.get("new_value"),
    )


def _matched_edits(session: Session, alert: AlertSettings, version_id: int) -> tuple[EditText, ...]:
    conditions = edit_filter(alert)
    if not conditions:
        return ()
    rows = session.scalars(
        select(Edit).where(Edit.version_id == version_id, *conditions).order_by(Edit.position)
    )
    return tuple(_edit_text(e) for e in rows)


def load_change(session: Session, version_id: int) -> Change:
    """A stored version as a :class:`Change`: its article, outlet, headline before and after,
    and typed edits."""
    version, url, outlet = session.execute(
        select(Version, Article.url, Outlet.name)
        .join(Article, Article.id == Version.article_id)
        .outerjoin(Outlet, Outlet.id == Article.outlet_id)
        .where(Version.id == version_id)
    ).one()
    old_title = session.scalars(
        select(Version.title).where(
            Version.article_id == version.article_id, Version.number == version.number - 1
        )
    ).first()
    edits = session.scalars(
        select(Edit).where(Edit.version_id == version_id).order_by(Edit.position)
    )
    return Change(
        version_id=version.id,
        number=version.number,
        captured_at=version.captured_at,
        url=url,
        outlet=outlet,
        title=version.title,
        old_title=old_title,
        title_changed=version.title_changed,
        words_added=version.words_added,
        words_removed=version.words_removed,
        analysed=version.analyser_version is not None,
        edits=tuple(_edit_text(e) for e in edits),
    )
