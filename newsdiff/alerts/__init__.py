"""Alerts: after each poll, tell people about the changes they asked for, through apprise.

``[[alerts]]`` tables in the config name an alert, its apprise URLs (email, Slack, Matrix, ntfy,
webhooks...) and what to match (:mod:`.match`). After a poll, :func:`send_alerts` matches the new
versions and sends each matching change once per URL (:mod:`.deliver`), as a message that says
what changed in words (:mod:`.message`), through apprise (:mod:`.send`).

Layers: ``alerts`` sits beside ``export`` (``cli -> alerts -> store``): it reads the store
(versions, typed edits, and the coverage rows that make a story's articles), keeps its own
bookkeeping there (the ``alerts`` and ``alert_deliveries`` tables), and sends over the network.
``cli`` calls it after a poll; ``collect`` does not know it (``collect -> store, diff``), so a
worker batch calls :func:`send_alerts` the same way.
"""

from __future__ import annotations

from newsdiff.alerts.deliver import AlertOutcome, AlertsReport, send_alerts
from newsdiff.alerts.status import AlertStatus, alert_status, find_alert, send_sample

__all__ = [
    "AlertOutcome",
    "AlertStatus",
    "AlertsReport",
    "alert_status",
    "find_alert",
    "send_alerts",
    "send_sample",
]
