"""The help screen (``?``): every key, as currently bound (after the config's remapping)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

INTRO = (
    "newsdiff shows how news articles changed. The timeline (top left) lists the story's "
    "events; the coverage pane the articles reporting the selected event; the versions pane "
    "that article's versions; the diff below compares the selected version with the one "
    "before it: old on the left, deletions struck through in red; new on the right, "
    "insertions bold and green. Under the diff's heading, the typed edits of the pair: e chooses a "
    "kind for n/p to step through."
)

# the letters of newsdiff.store.edits.KIND_BADGES (a test keeps them in step)
BADGES = (
    "Edits column: H headline, N number, Q quote, S source, C certainty, ! correction notice, "
    "t trivial (dimmed rows; t hides them), o other; * one of them is silent (no correction "
    "notice owns up to it), ? not analysed yet (newsdiff analyse)."
)

FOOTNOTE = (
    "Remap any key in the config file under [tui.bindings], by binding id, for example "
    'next_pair = "right_square_bracket,ctrl+n". Mouse: click selects, the wheel scrolls, '
    "drag selects text in the diff (ctrl+c copies)."
)


class HelpScreen(ModalScreen[None]):
    """Keys and what they do; any of escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="close_help"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90; max-width: 95%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 1 2;
    }
    HelpScreen #help-intro, HelpScreen #help-badges, HelpScreen #help-keys { margin-bottom: 1; }
    """

    def __init__(self, keys: Sequence[tuple[str, str, str]]) -> None:
        super().__init__()
        self.keys = list(keys)

    def compose(self) -> ComposeResult:
        table = Table(show_header=True, header_style="bold", box=None, expand=True)
        table.add_column("Keys", style="bold cyan", no_wrap=True)
        table.add_column("Action")
        table.add_column("Binding id", style="dim", no_wrap=True)
        for keys, description, binding_id in self.keys:
            table.add_row(Text(keys), Text(description), Text(binding_id))
        with VerticalScroll():
            yield Static(Text(INTRO), id="help-intro")
            yield Static(Text(BADGES), id="help-badges")
            yield Static(table, id="help-keys")
            yield Static(Text(FOOTNOTE, style="dim"), id="help-footnote")

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(None)
