"""The version picker (``v``): compare any two versions of the article."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from newsdiff.timeline.items import VersionItem
from newsdiff.tui.safe import safe_text, when


class VersionPicker(ModalScreen[tuple[int, int] | None]):
    """Two lists, "from" and "to": enter in "from" moves to "to", enter in "to" compares.
    "from" starts at the older version shown, "to" at the latest."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel_compare"),
        Binding("j", "focused.cursor_down", "Down", show=False),
        Binding("k", "focused.cursor_up", "Up", show=False),
        Binding("g", "focused.first", "First", show=False),
        Binding("G", "focused.last", "Last", show=False),
    ]

    DEFAULT_CSS = """
    VersionPicker { align: center middle; }
    VersionPicker > Vertical {
        width: 110; max-width: 95%; height: auto; max-height: 80%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    VersionPicker Horizontal { height: auto; }
    VersionPicker OptionList { width: 1fr; height: auto; max-height: 24; }
    """

    def __init__(self, versions: Sequence[VersionItem], old: int | None) -> None:
        super().__init__()
        self.versions = list(versions)
        self.old = old if old is not None else (self.versions[0].number if self.versions else 1)
        self.new = self.versions[-1].number if self.versions else 1

    def _options(self) -> list[Option]:
        out = []
        for v in self.versions:
            label = Text(f"v{v.number:<3} {when(v.captured_at)}  ", no_wrap=True)
            label.append(safe_text(v.title))
            out.append(Option(label, id=str(v.number)))
        return out

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                "Compare two versions: choose the older (from), enter, then the newer (to), "
                "enter. Escape cancels."
            )
            with Horizontal():
                yield OptionList(*self._options(), id="from")
                yield OptionList(*self._options(), id="to")

    def on_mount(self) -> None:
        numbers = [v.number for v in self.versions]
        start = self.query_one("#from", OptionList)
        end = self.query_one("#to", OptionList)
        if self.old in numbers:
            start.highlighted = numbers.index(self.old)
        if self.new in numbers:
            end.highlighted = numbers.index(self.new)
        start.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_list.id == "from":
            self.query_one("#to", OptionList).focus()
            return
        start = self.query_one("#from", OptionList)
        if start.highlighted is None or event.option.id is None:
            return
        old = self.versions[start.highlighted].number
        new = int(event.option.id)
        if old == new:
            self.notify("choose two different versions", severity="warning")
            return
        self.dismiss((old, new))

    def action_cancel(self) -> None:
        self.dismiss(None)
