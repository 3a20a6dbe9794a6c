"""The story switcher (``s``): pick a story, or every tracked article by outlet and day."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from newsdiff.timeline.items import StoryItem
from newsdiff.tui.safe import safe_text

ALL_ARTICLES = ""  # the result meaning "no story: all tracked articles"


class StorySwitcher(ModalScreen[str | None]):
    """Dismissed with a story slug, ``ALL_ARTICLES``, or None (escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel_switch"),
    ]

    DEFAULT_CSS = """
    StorySwitcher { align: center middle; }
    StorySwitcher > Vertical {
        width: 80; max-width: 95%; height: auto; max-height: 80%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    StorySwitcher OptionList { height: auto; max-height: 30; border: none; }
    """

    def __init__(self, stories: Sequence[StoryItem], current: str | None) -> None:
        super().__init__()
        self.stories = list(stories)
        self.current = current

    def compose(self) -> ComposeResult:
        options = [Option(Text("All tracked articles, by outlet and day", style="italic"), id="")]
        for story in self.stories:
            label = safe_text(story.title)
            label.append(
                f"  {story.slug} · {story.events} events · {story.articles} articles",
                style="dim",
            )
            options.append(Option(label, id=f"story:{story.slug}"))
        with Vertical():
            yield Label("Switch story")
            yield OptionList(*options, id="stories")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        wanted = "" if self.current is None else f"story:{self.current}"
        try:
            options.highlighted = options.get_option_index(wanted)
        except Exception:  # noqa: BLE001 - an unknown id just leaves the first row
            options.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        self.dismiss(option_id.removeprefix("story:") if option_id else ALL_ARTICLES)

    def action_cancel(self) -> None:
        self.dismiss(None)
