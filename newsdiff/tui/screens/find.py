"""The find bar (``/``): text to find in the diff; enter again finds the next occurrence."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class FindScreen(ModalScreen[str | None]):
    """A one-line input at the bottom; dismissed with the text (enter) or None (escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel_find"),
    ]

    DEFAULT_CSS = """
    FindScreen { align: left bottom; background: $background 0%; }
    FindScreen > #find-bar {
        dock: bottom; height: 3; width: 100%; layout: horizontal;
        background: $panel; border-top: solid $accent; padding: 0 1;
    }
    FindScreen Label { width: auto; padding: 1 1 0 0; }
    FindScreen Input { width: 1fr; margin-top: 1; }
    """

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.query_text = query

    def compose(self) -> ComposeResult:
        from textual.containers import Horizontal

        with Horizontal(id="find-bar"):
            yield Label("Find in diff:")
            # compact: one line, no border (a bordered Input one line high shows no text)
            yield Input(
                value=self.query_text,
                placeholder="text, any case and accents (enter: next match)",
                id="find",
                compact=True,
            )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
