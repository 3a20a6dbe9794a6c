"""What the alerts have done (``newsdiff alerts list``) and a sample message (``newsdiff alerts
test NAME``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from newsdiff.alerts.deliver import PENDING, SENDING, SENT, SUMMARISED
from newsdiff.alerts.message import change_message, sample_change
from newsdiff.alerts.send import AppriseNotifier, Notifier, shown, target_of
from newsdiff.config import AlertSettings, Settings
from newsdiff.errors import ConfigError
from newsdiff.store.db import Database
from newsdiff.store.models import AlertDelivery, AlertState, utcnow


def find_alert(settings: Settings, name: str) -> AlertSettings:
    """The ``[[alerts]]`` table called ``name``; :class:`ConfigError` naming the known ones."""
    for alert in settings.alerts:
        if alert.name == name:
            return alert
    known = ", ".join(repr(a.name) for a in settings.alerts) or "none: add [[alerts]] tables"
    where = f"{settings.source}: " if settings.source else ""
    raise ConfigError(f"{where}no alert named {name!r} in the config (known: {known})")


def describe_match(alert: AlertSettings) -> str:
    """The alert's match keys in words ("every new version" without any)."""
    parts = []
    if alert.story:
        parts.append(f"story {alert.story}")
    if alert.outlet:
        parts.append(f"outlet {alert.outlet}")
    if alert.headline:
        parts.append("headline changed")
    edit = [" or ".join(alert.kind), " or ".join(alert.change)]
    if alert.silent is not None:
        edit.append("silent" if alert.silent else "not silent")
    if any(edit):
        parts.append("an edit: " + " ".join(p for p in edit if p))
    if alert.phrase:
        parts.append(f"phrase {alert.phrase!r} {alert.phrase_in}")
    return ", ".join(parts) or "every new version"


@dataclass(frozen=True)
class TargetStatus:
    url: str  # as apprise shows it, secrets masked
    sent: int
    summarised: int
    pending: int
    failing: int  # pending after at least one failed attempt
    last_sent_at: datetime | None
    last_error: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "sent": self.sent,
            "summarised": self.summarised,
            "pending": self.pending,
            "failing": self.failing,
            "last_sent_at": self.last_sent_at.isoformat() if self.last_sent_at else None,
            "last_error": self.last_error,
        }


@dataclass(frozen=True)
class AlertStatus:
    name: str
    match: str
    first_seen_at: datetime | None  # None: never run yet
    last_run_at: datetime | None
    targets: list[TargetStatus]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "match": self.match,
            "first_seen_at": self.first_seen_at.isoformat() if self.first_seen_at else None,
            "last_run_at": self.last_run_at.isoformat() if self.last_run_at else None,
            "targets": [t.to_dict() for t in self.targets],
        }


def alert_status(settings: Settings, database: Database) -> list[AlertStatus]:
    """Each configured alert: what it matches, and per URL what was sent, what waits, and the
    last error."""
    out = []
    with database.read() as session:
        for alert in settings.alerts:
            state = session.scalars(select(AlertState).where(AlertState.name == alert.name)).first()
            targets = []
            for url in alert.urls:
                counts: dict[str, int] = {}
                failing = 0
                last_sent = last_error = None
                if state is not None:
                    where = (
                        AlertDelivery.alert_id == state.id,
                        AlertDelivery.target == target_of(url),
                    )
                    for status, n in session.execute(
                        select(AlertDelivery.status, func.count())
                        .where(*where)
                        .group_by(AlertDelivery.status)
                    ):
                        counts[str(status)] = int(n)
                    failing = int(
                        session.scalar(
                            select(func.count())
                            .select_from(AlertDelivery)
                            .where(
                                *where,
                                AlertDelivery.status.in_([PENDING, SENDING]),
                                AlertDelivery.attempts > 0,
                            )
                        )
                        or 0
                    )
                    last_sent = session.scalar(
                        select(func.max(AlertDelivery.sent_at)).where(*where)
                    )
                    last_error = session.scalars(
                        select(AlertDelivery.last_error)
                        .where(*where, AlertDelivery.last_error.is_not(None))
                        .order_by(AlertDelivery.claimed_at.desc(), AlertDelivery.id.desc())
                    ).first()
                targets.append(
                    TargetStatus(
                        shown(url),
                        counts.get(SENT, 0),
                        counts.get(SUMMARISED, 0),
                        counts.get(PENDING, 0) + counts.get(SENDING, 0),
                        failing,
                        last_sent,
                        last_error,
                    )
                )
            out.append(
                AlertStatus(
                    alert.name,
                    describe_match(alert),
                    state.first_seen_at if state else None,
                    state.last_run_at if state else None,
                    targets,
                )
            )
    return out


def send_sample(
    alert: AlertSettings,
    *,
    notifier: Notifier | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> list[tuple[str, str | None]]:
    """Send a sample message (a made-up change) to each URL of ``alert``; nothing is recorded.
    Returns (URL as shown, None or the error) per URL."""
    notifier = notifier or AppriseNotifier()
    message = change_message(f"{alert.name}: test", sample_change(clock()))
    results = []
    for url in alert.urls:
        try:
            error = notifier.send(url, message, alert.timeout_s)
        except Exception as exc:  # noqa: BLE001 - reported like any failed send
            error = f"{exc.__class__.__name__}: {exc}"
        results.append((shown(url), error))
    return results
