"""The article picker (``l`` on an event no article covers): type to filter, enter links."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from newsdiff.timeline.items import JumpTarget
from newsdiff.tui.matching import Finder, fold
from newsdiff.tui.safe import safe_content, safe_text

MAX_SHOWN = 200  # options listed at once; typing narrows them down


class ArticlePicker(ModalScreen[int | None]):
    """Dismissed with the chosen article's id, or None (escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel_pick"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
    ]

    DEFAULT_CSS = """
    ArticlePicker { align: center middle; }
    ArticlePicker > Vertical {
        width: 100; max-width: 95%; height: auto; max-height: 80%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    ArticlePicker Input { margin: 1 0; }
    ArticlePicker OptionList { height: auto; max-height: 20; border: none; }
    """

    def __init__(self, event_title: str, load: Callable[[], Sequence[JumpTarget]]) -> None:
        super().__init__()
        self.event_title = event_title
        self.load = load
        self.targets: list[JumpTarget] = []
        self.folded: list[str] = []  # each target's label, folded for matching
        # not ``loading``: that is Textual's own (a loading indicator over the whole screen)
        self.pending = True  # the articles are being loaded (tests wait on it)

    def compose(self) -> ComposeResult:
        heading = Text("Link an article to ", no_wrap=True, overflow="ellipsis")
        heading.append(safe_text(self.event_title, style="bold"))
        with Vertical():
            yield Label(heading)
            yield Input(
                placeholder="type part of a headline (enter links the one selected)",
                compact=True,  # one line, no border
            )
            yield OptionList(id="articles")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.query_one(OptionList).add_option(Option(Text("loading…", style="dim"), disabled=True))
        self._load()

    @work(thread=True, exclusive=True)
    def _load(self) -> None:
        targets = [t for t in self.load() if t.article_id is not None]
        folded = [fold(t.label) for t in targets]
        self.app.call_from_thread(self._loaded, targets, folded)

    def _loaded(self, targets: list[JumpTarget], folded: list[str]) -> None:
        self.targets = targets
        self.folded = folded
        self.pending = False
        self._show(self.query_one(Input).value)

    def _show(self, query: str) -> None:
        finder = Finder(query.strip())
        options = self.query_one(OptionList)
        options.clear_options()
        needle = finder.folded
        shown = [t for t, f in zip(self.targets, self.folded, strict=True) if needle in f]
        for target in shown[:MAX_SHOWN]:
            label = safe_text(target.label)
            label.append("  ")
            label.append(safe_text(target.help, style="dim"))
            options.add_option(Option(label, id=str(target.article_id)))
        if not shown:
            what = "no article matches" if self.targets else "no article is tracked yet"
            options.add_option(Option(safe_content(what), disabled=True))
        else:
            options.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if not self.pending:
            self._show(event.value)

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if delta > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        index = options.highlighted
        if index is None:
            return
        self._choose(options.get_option_at_index(index))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option)

    def _choose(self, option: Option) -> None:
        if option.id is not None and not option.disabled:
            self.dismiss(int(option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
