"""The network side of alerts: apprise, behind a small interface.

apprise turns one URL (``mailto://``, ``slack://``, ``ntfy://``, ``matrix://``, ``json://``...)
into a notification to that service; newsdiff sends each message to one URL at a time, so that
every URL's outcome is known and recorded on its own (a message that reached the Slack channel
but not the mailbox is retried for the mailbox only).

Each send is bounded: the alert's ``timeout_s`` is set as apprise's connect and read timeouts
(``cto``/``rto``), so a receiver that accepts the connection and never answers costs that long,
and then counts as a failure; and the whole send is abandoned after :func:`send_deadline` (a
receiver dripping its answer a byte at a time beats per-read timeouts). apprise reports failures
through its logger, not as exceptions: :class:`AppriseNotifier` collects the warnings of each
send as the error recorded for it.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import warnings
from typing import Any, Protocol

from newsdiff.alerts.message import Message, clean

logger = logging.getLogger(__name__)


def send_deadline(timeout_s: float) -> float:
    """How long one send may take in all: a connect and a read of ``timeout_s`` each, and a
    second more."""
    return 2 * timeout_s + 1


def target_of(url: str) -> str:
    """What the database keeps of an apprise URL: a hash (the URL may hold a password)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


class Notifier(Protocol):
    """Sends one message to one URL; returns None when it was accepted, else why not."""

    def send(self, url: str, message: Message, timeout_s: float) -> str | None: ...


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(record.getMessage())
        except Exception:  # noqa: BLE001 - a log line that cannot be formatted is no error
            self.lines.append(str(record.msg))


def _apprise() -> Any:
    with warnings.catch_warnings():
        # apprise loads its plugins on first use; one of them imports the deprecated imghdr
        warnings.simplefilter("ignore", DeprecationWarning)
        import apprise

        apprise.Apprise.instantiate("json://localhost", suppress_exceptions=True)
    return apprise


def service(url: str, timeout_s: float | None = None) -> Any:
    """apprise's object for ``url`` (None when apprise cannot use it), with the timeouts."""
    apprise = _apprise()
    plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    if plugin is not None and timeout_s is not None:
        plugin.socket_connect_timeout = timeout_s
        plugin.socket_read_timeout = timeout_s
    return plugin


def shown(url: str) -> str:
    """The URL as apprise shows it with secrets masked and without its query
    (``json://host/path``, ``mailto://u...r:****@host``), for listings and messages."""
    plugin = service(url)
    if plugin is None:
        return clean(url.split("://", 1)[0] + "://…")
    try:
        # the query holds apprise's options (and sometimes a token): left out
        return clean(str(plugin.url(privacy=True)).split("?", 1)[0], 200)
    except Exception:  # noqa: BLE001 - a display helper must not fail
        return clean(url.split("://", 1)[0] + "://…")


class AppriseNotifier:
    """Sends through apprise. A service object is made once per URL and kept, so that apprise's
    own throttling between messages to one service holds across a run."""

    def __init__(self) -> None:
        self._services: dict[tuple[str, float], Any] = {}

    def send(self, url: str, message: Message, timeout_s: float) -> str | None:
        apprise = _apprise()
        key = (url, timeout_s)
        if key not in self._services:
            self._services[key] = service(url, timeout_s)
        plugin = self._services[key]
        if plugin is None:
            return "apprise cannot use this URL"
        notify = apprise.Apprise()
        notify.add(plugin)
        collect = _Collect()
        log = logging.getLogger("apprise")
        outcome: list[bool] = []

        def work() -> None:
            try:
                result = notify.notify(
                    body=message.body, title=message.title, body_format=apprise.NotifyFormat.TEXT
                )
                outcome.append(bool(result))
            except Exception as exc:  # noqa: BLE001 - a plugin's bug is one failed send
                collect.lines.append(f"{exc.__class__.__name__}: {exc}")
                outcome.append(False)

        # apprise's timeouts bound each connect and each read; a receiver that drips its answer
        # a byte at a time defeats those, so the whole send is bounded too (the thread is a
        # daemon: a send still hanging never keeps newsdiff from exiting)
        log.addHandler(collect)
        started = time.monotonic()
        try:
            sender = threading.Thread(target=work, name="newsdiff-alert", daemon=True)
            sender.start()
            sender.join(send_deadline(timeout_s))
        finally:
            log.removeHandler(collect)
        if outcome and outcome[0]:
            return None
        if not outcome:
            reason = (
                f"no complete answer within {send_deadline(timeout_s):g} s "
                f"(timeout_s = {timeout_s:g}): gave up"
            )
        else:
            reason = clean(" ".join(collect.lines[-2:]) or "the service refused the message", 300)
            if time.monotonic() - started >= timeout_s * 0.9:
                reason += f" (no answer within {timeout_s:g} s: timeout_s)"
        logger.info("alert to %s failed: %s", shown(url), reason)
        return reason
