"""What an alert says: a change in words, from its stored typed edits, made safe to send.

Everything here is pure: a :class:`Change` (read from the database by :mod:`.deliver`) becomes a
:class:`Message` (a title and a plain-text body). Every piece of text from the web (headlines,
quotations, outlet names, URLs) goes through :func:`clean`: control and formatting characters
(C0, C1, DEL, bidirectional overrides, zero-width) are removed or become spaces, whitespace is
collapsed (a headline cannot forge a line of the message) and the length is capped. The body is
sent as plain text: apprise escapes it for services that take HTML.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

#: edits told in words, at most this many per message (the rest counted)
MAX_EDIT_LINES = 6
#: changes listed in a summary message, at most
MAX_SUMMARY_LINES = 20
#: kinds that are counted rather than quoted
COUNTED_KINDS = ("trivial", "other")
_SPACE = re.compile(r"\s+")


def clean(text: object, limit: int = 160) -> str:
    """Untrusted text as one safe line: NFC, control characters (C0, C1, DEL, line and paragraph
    separators) as spaces, format characters (bidi overrides, zero-width) and lone surrogates
    dropped, whitespace collapsed, at most ``limit`` characters (cut with "…")."""
    if text is None:
        return ""
    value = unicodedata.normalize("NFC", str(text))
    out = []
    for ch in value:
        category = unicodedata.category(ch)
        if category in ("Cc", "Zl", "Zp"):
            out.append(" ")
        elif category not in ("Cf", "Cs"):
            out.append(ch)
    line = _SPACE.sub(" ", "".join(out)).strip()
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class EditText:
    """One stored typed edit, as much of it as a message tells."""

    kind: str
    change: str
    old: str | None
    new: str | None
    silent: bool = False
    speaker: str | None = None
    old_value: object = None  # a number edit's values, when the analyser read them
    new_value: object = None


@dataclass(frozen=True)
class Change:
    """A new version of an article, with what a message needs about it."""

    version_id: int
    number: int
    captured_at: datetime
    url: str
    outlet: str | None
    title: str
    old_title: str | None
    title_changed: bool
    words_added: int
    words_removed: int
    analysed: bool
    edits: tuple[EditText, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Message:
    title: str
    body: str


def _quoted(text: str | None, limit: int = 120) -> str:
    return f"'{clean(text, limit)}'"


def _number(value: object, fallback: str | None) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:g}" if isinstance(value, float) else str(value)
    return _quoted(fallback)


def describe(edit: EditText) -> str:
    """An edit in words: ``quote removed: 'a damning report' (Ed Balls)``,
    ``number changed: 12 -> 15``, ``headline changed: 'A' -> 'B'``."""
    kind = "correction notice" if edit.kind == "correction" else edit.kind
    head = f"{clean(kind, 32)} {clean(edit.change, 16)}"
    if edit.kind == "number" and edit.change == "changed":
        text = f"{head}: {_number(edit.old_value, edit.old)} -> {_number(edit.new_value, edit.new)}"
    elif edit.old and edit.new:
        text = f"{head}: {_quoted(edit.old)} -> {_quoted(edit.new)}"
    elif edit.old or edit.new:
        text = f"{head}: {_quoted(edit.old or edit.new)}"
    else:
        text = head
    if edit.speaker:
        text += f" ({clean(edit.speaker, 60)})"
    if edit.silent:
        text += " [silent: no correction notice]"
    return text


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def edit_lines(change: Change, first: tuple[EditText, ...] = ()) -> list[str]:
    """The change's edits in words (``first``, the ones the alert matched, lead), then the
    counted kinds and what was left out; from the version's stats when it is not analysed."""
    lines: list[str] = []
    if not change.analysed:
        if change.title_changed:
            lines.append(
                f"headline changed: {_quoted(change.old_title)} -> {_quoted(change.title)}"
            )
        lines.append("(typed edits not computed yet)")
        return lines
    ordered = list(first) + [e for e in change.edits if e not in first]
    told = [e for e in ordered if e.kind not in COUNTED_KINDS]
    lines += [describe(e) for e in told[:MAX_EDIT_LINES]]
    if len(told) > MAX_EDIT_LINES:
        lines.append(f"... and {len(told) - MAX_EDIT_LINES} more edits")
    counted = Counter(e.kind for e in ordered if e.kind in COUNTED_KINDS)
    if counted:
        lines.append("also: " + ", ".join(f"{n} {k}" for k, n in sorted(counted.items())))
    if not change.edits:
        lines.append("no typed edits (a change the analyser found nothing to say about)")
    return lines


def change_message(
    alert: str, change: Change, *, matched: tuple[EditText, ...] = (), notes: tuple[str, ...] = ()
) -> Message:
    """The message for one change: headline as the title; outlet, version and words, the
    edits in words, ``notes`` (a phrase that appeared...), and the URL in the body."""
    title = f"[{clean(alert, 60)}] {clean(change.title, 150)}"
    words = f"+{change.words_added}/-{change.words_removed} words"
    lines = [
        f"{clean(change.outlet or 'unknown outlet', 80)}: version {change.number}, "
        f"{_when(change.captured_at)}, {words}",
        *edit_lines(change, matched),
        *[clean(n, 200) for n in notes],
        clean(change.url, 500),
    ]
    return Message(title, "\n".join(lines))


def summary_message(alert: str, changes: list[Change], limit: int) -> Message:
    """One message for the changes past the per-run limit: a line each (the first
    :data:`MAX_SUMMARY_LINES`), then how many more."""
    n = len(changes)
    title = f"[{clean(alert, 60)}] {n} more change{'s' if n != 1 else ''}"
    lines = [f"More than {limit} changes matched since the last run; the rest in short:"]
    for change in changes[:MAX_SUMMARY_LINES]:
        kinds = sorted({e.kind for e in change.edits if e.kind not in COUNTED_KINDS})
        what = ", ".join(kinds) if kinds else f"+{change.words_added}/-{change.words_removed} words"
        lines.append(
            f"- {clean(change.outlet or '-', 40)}: {clean(change.title, 100)} "
            f"(v{change.number}: {what}) {clean(change.url, 300)}"
        )
    if n > MAX_SUMMARY_LINES:
        lines.append(f"... and {n - MAX_SUMMARY_LINES} more (`newsdiff edits` lists them)")
    return Message(title, "\n".join(lines))


def sample_change(now: datetime) -> Change:
    """A made-up change for ``newsdiff alerts test``."""
    return Change(
        version_id=0,
        number=2,
        captured_at=now,
        url="https://example.org/news/newsdiff-alert-test",
        outlet="newsdiff test",
        title="Council criticised over child protection failures",
        old_title="Council to be criticised over child protection",
        title_changed=True,
        words_added=12,
        words_removed=5,
        analysed=True,
        edits=(
            EditText(
                "headline",
                "changed",
                "Council to be criticised over child protection",
                "Council criticised over child protection failures",
            ),
            EditText("quote", "removed", "a damning report", None, silent=True, speaker="Ed Balls"),
            EditText("number", "changed", "12", "15", silent=True, old_value=12, new_value=15),
            EditText("certainty", "firmer", "are expected to say", "said"),
            EditText("other", "changed", "a", "b"),
        ),
    )
