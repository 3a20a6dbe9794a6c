"""A pane's outline, drawn in the first frame in place of the pane: its border, its title and a
line of text, nothing else.

The main screen's first frame shows these; the panes themselves (three tables, each with a
dozen styled parts, and the diff view) replace them right after it. Importing, composing and
styling the panes took about as long as everything else newsdiff does before that frame.
"""

from __future__ import annotations

from textual.widgets import Static


class PaneOutline(Static):
    """The border, title and subtitle of a pane not mounted yet, with a line of text."""

    DEFAULT_CSS = """
    PaneOutline {
        width: 1fr;
        height: 1fr;
        padding: 0 1;
        color: $text-muted;
    }
    """

    def __init__(
        self,
        title: str,
        text: str = "",
        *,
        subtitle: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's name
        classes: str | None = None,
    ) -> None:
        super().__init__(text, markup=False, id=id, classes=classes)
        self.border_title = title
        self.border_subtitle = subtitle
