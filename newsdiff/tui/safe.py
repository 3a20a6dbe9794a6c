"""Untrusted text (headlines, outlet names, URLs, article text) for the screen.

Everything from the web is shown through :class:`rich.text.Text` (never parsed as markup) after
:func:`newsdiff.text.printable` has made control characters and escape sequences visible.
"""

from __future__ import annotations

from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual.content import Content

from newsdiff.text import printable


def safe_text(value: object, style: str | Style = "") -> Text:
    """A Text showing ``value`` literally: no markup, control characters made visible; one
    line, cut with "…" where it does not fit."""
    return Text(
        printable("" if value is None else str(value)),
        style=style,
        no_wrap=True,
        overflow="ellipsis",
    )


def cell(value: str, style: str | Style = "") -> Text:
    """A table cell of our own text (a date, a number)."""
    return Text(value, style=style, no_wrap=True, overflow="ellipsis")


def safe_content(value: object) -> Content:
    """A Textual Content showing ``value`` literally."""
    return Content(printable("" if value is None else str(value)))


def when(moment: datetime | None) -> str:
    """A capture or change time, in UTC."""
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"
