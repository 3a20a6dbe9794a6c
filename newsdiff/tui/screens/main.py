"""The main screen: timeline, coverage and versions on top, the diff below.

The screen wires the panes together: the selected timeline row loads its coverage, the selected
article its versions, the selected version the diff against the one before it. Every load runs
in a thread worker of the pane that shows it.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import DescendantFocus, Resize
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header, Static

from newsdiff.errors import NotFound
from newsdiff.store.lazy import LazyDatabase, Store
from newsdiff.text import plural, printable
from newsdiff.tui.jobs import deliver
from newsdiff.tui.messages import (
    ArticleSelected,
    DatabaseOpened,
    Failed,
    GroupFound,
    GroupSelected,
    LinkToggled,
    Measured,
    Opened,
    OverviewLoaded,
    PairSelected,
)
from newsdiff.tui.widgets.footer import KeysFooter
from newsdiff.tui.widgets.outline import PaneOutline

if TYPE_CHECKING:
    from newsdiff.timeline.items import GroupKey, JumpTarget, Overview
    from newsdiff.tui.screens.search import SearchChoice
    from newsdiff.tui.widgets.coverage import CoveragePane
    from newsdiff.tui.widgets.diff_view import DiffView
    from newsdiff.tui.widgets.table import PaneTable
    from newsdiff.tui.widgets.timeline import TimelinePane
    from newsdiff.tui.widgets.versions import VersionsPane

# The panes are not in the first frame: it shows their outlines (border, title, a line of
# text), and the panes replace them right after it (see _mount_panes). Their modules are
# imported then: those and the panes' composing and styling (three tables with a dozen styled
# parts each) took about as long as the rest of what newsdiff does before that frame.

# The other screens (pickers, help, search, chart) are imported when first opened: none of
# them is needed for the first frame, and their widgets (Input, OptionList, Select) and the
# search syntax cost the start a few tens of milliseconds.

EMPTY_DATABASE = """\
Nothing to show yet: this database tracks no article and holds no story.

Add a news feed and poll it (run the poll again later, e.g. from cron, to catch changes):

    newsdiff feeds add URL --outlet "Outlet name"
    newsdiff poll

or track a single article:      newsdiff track URL
or see it all offline first:    newsdiff demo

Import a story to follow its events:   newsdiff story import FILE.toml

Then press r here to reload, or q to quit."""

NO_COVERAGE = [
    "No article is linked to this event.",
    "",
    "Link one: press l and pick an article (or pick it in the command palette, ctrl+p, "
    "then press l).",
    "Or re-run the automatic linking: newsdiff story link SLUG.",
]


# keys the widgets bind themselves besides ours (DataTable, ScrollView): shown in the help
NATIVE_KEYS = {"down": ["↓"], "up": ["↑"]}

FIRST_FRAME_WAIT = 2.0  # seconds a worker waits for the first frame before importing SQLAlchemy
FOOTER_AFTER = 0.25  # seconds after mounting: the footer's keys, if no timeline yet
SHORT_BELOW = 30  # terminal rows: below, the panes lose their column labels
PAIR = Binding.Group("Pair", compact=True)
CHANGE = Binding.Group("Change", compact=True)


class MainScreen(Screen[None]):
    """Panes and the keys that act across them."""

    # Help and quit first: a narrow footer keeps the keys it has room for, from the left.
    # Each binding's tooltip is its line in the help screen (?).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", id="help", tooltip="this help"),
        Binding("q", "quit", "Quit", id="quit", tooltip="quit"),
        Binding(
            "tab", "app.focus_next", "Next pane", show=False, id="focus_next", tooltip="next pane"
        ),
        Binding(
            "shift+tab",
            "app.focus_previous",
            "Previous pane",
            show=False,
            id="focus_prev",
            tooltip="previous pane",
        ),
        Binding(
            "left_square_bracket",
            "prev_pair",
            "Prev pair",
            id="prev_pair",
            group=PAIR,
            tooltip="previous pair of versions",
        ),
        Binding(
            "right_square_bracket",
            "next_pair",
            "Next pair",
            id="next_pair",
            group=PAIR,
            tooltip="next pair of versions",
        ),
        Binding(
            "n",
            "next_change",
            "Next change",
            id="next_change",
            group=CHANGE,
            tooltip="next change in the diff (marked), or next edit of the kind chosen with e "
            "(its words highlighted)",
        ),
        Binding(
            "p",
            "prev_change",
            "Prev change",
            id="prev_change",
            group=CHANGE,
            tooltip="previous change, or previous edit of the kind chosen with e",
        ),
        Binding(
            "e",
            "next_kind",
            "Kind",
            id="next_kind",
            tooltip="what n/p step through: every change → every edit → each kind of edit in "
            "this pair (headline, number, quote, source, certainty, correction, trivial, "
            "other) → every change; the choice stays for the next pairs",
        ),
        Binding(
            "E",
            "prev_kind",
            "Kind back",
            show=False,
            id="prev_kind",
            tooltip="the same, backwards",
        ),
        Binding(
            "space",
            "page_diff",
            "Page down",
            show=False,
            id="page_down",
            tooltip="page down in the diff (from any pane)",
        ),
        Binding("v", "compare", "Compare", id="compare", tooltip="compare any two versions"),
        Binding(
            "t",
            "toggle_trivial",
            "Trivial",
            id="toggle_trivial",
            tooltip="hide / show trivial versions (spelling, punctuation, case only); the "
            "versions pane says when they are hidden",
        ),
        Binding(
            "i", "toggle_inline", "Inline", id="toggle_inline", tooltip="inline / side by side"
        ),
        Binding(
            "u",
            "toggle_fold",
            "Fold",
            id="toggle_fold",
            tooltip="fold / unfold unchanged paragraphs",
        ),
        Binding(
            "slash",
            "find",
            "Find",
            id="find",
            tooltip="find text in the diff, any case and accents (enter again: next)",
        ),
        Binding(
            "f",
            "search",
            "Search",
            id="search",
            tooltip="search the whole archive (every version of every article): words, "
            '"exact phrases", prefix*, OR, NOT; enter opens a hit at its version, the words '
            "found highlighted in the diff",
        ),
        Binding(
            "c",
            "chart",
            "Chart",
            id="chart",
            tooltip="chart of the story: edits over time per outlet, its events marked on the "
            "time axis",
        ),
        Binding(
            "l",
            "link",
            "Link",
            id="link",
            tooltip="link / unlink the article and the selected event (no article: pick one)",
        ),
        Binding(
            "s",
            "switch_story",
            "Story",
            id="switch_story",
            tooltip="switch story (or all articles)",
        ),
        Binding(
            "r", "reload", "Reload", show=False, id="reload", tooltip="reload from the database"
        ),
    ]

    def __init__(self, database: Store, story: str | None = None) -> None:
        super().__init__()
        self.database = database
        self.story_slug = story
        self.all_articles = False
        self.overview: Overview | None = None
        self.tokens = {"overview": 0, "link": 0, "jump": 0}
        self.pending = False  # the overview is being loaded
        self.group: GroupKey | None = None
        self.article_id: int | None = None
        self.pending_article: int | None = None
        self._worked_in = 0  # the top pane last focused: first served when width is short
        self.opening: SearchChoice | None = None  # a search hit on its way to the diff
        self.last_search = ("", "any")  # the search screen reopens with them
        self._drawn = threading.Event()  # set once the first frame is drawn
        self.panes_mounted = False  # the panes have replaced their outlines

    def compose(self) -> ComposeResult:
        opening = isinstance(self.database, LazyDatabase) and not self.database.is_open
        yield Header(show_clock=False, icon="◆")
        with Vertical(id="panes"):
            with Horizontal(id="top"):
                yield PaneOutline("Timeline", subtitle="loading…", id="timeline-outline")
                yield PaneOutline("Coverage", id="coverage-outline")
                yield PaneOutline("Versions", id="versions-outline")
            yield PaneOutline("Diff", "Opening the database…" if opening else "", id="diff-outline")
        yield Static(Text(EMPTY_DATABASE), id="empty")
        yield KeysFooter(held=True)

    @property
    def timeline(self) -> TimelinePane:
        return cast("TimelinePane", self.query_one("#timeline"))

    @property
    def coverage(self) -> CoveragePane:
        return cast("CoveragePane", self.query_one("#coverage"))

    @property
    def versions(self) -> VersionsPane:
        return cast("VersionsPane", self.query_one("#versions"))

    @property
    def diff(self) -> DiffView:
        return cast("DiffView", self.query_one("#diff"))

    def on_mount(self) -> None:
        # the panes and the timeline come once the first frame is drawn (first_frame_drawn)
        self.pending = True
        self.query_one("#empty").display = False
        self._fit()
        # the footer's keys come once the timeline is drawn, or FOOTER_AFTER from now if it
        # takes longer: building them takes as long as drawing the timeline
        self.set_timer(FOOTER_AFTER, self.footer.release)

    @property
    def footer(self) -> KeysFooter:
        return self.query_one(KeysFooter)

    def first_frame_drawn(self) -> None:
        """Mount the panes and read the timeline, now that the first frame is out (the app
        calls this on Ready).

        The worker reads it straight from SQLite when it can (timeline.quick: a few
        milliseconds, importing only sqlite3), and it is drawn at the next frame; when it
        cannot, the worker opens the database, importing SQLAlchemy, which would have held the
        interpreter's lock while the first frame was made."""
        if not self._drawn.is_set():
            self._drawn.set()
            self.call_next(self._mount_panes)

    async def _mount_panes(self) -> None:
        """Read the timeline, and replace the first frame's outlines with the panes."""
        from newsdiff.tui.widgets.coverage import CoveragePane
        from newsdiff.tui.widgets.diff_view import DiffView
        from newsdiff.tui.widgets.timeline import TimelinePane
        from newsdiff.tui.widgets.versions import VersionsPane

        database = self.database
        # The timeline's read starts first, its worker running while the panes are mounted;
        # what it reads is handled after this (the screen handles one message at a time).
        self._fetch_overview(self._next("overview"), self.story_slug, False)
        outlines = self.query(PaneOutline)
        diff_outline = self.query_one("#diff-outline")
        timeline_outline = self.query_one("#timeline-outline")
        with self.app.batch_update():
            await self.query_one("#top").mount(
                TimelinePane(database, id="timeline"),
                CoveragePane(database, id="coverage"),
                VersionsPane(database, id="versions"),
                before=timeline_outline,
            )
            await self.query_one("#panes").mount(DiffView(database, id="diff"), before=diff_outline)
            await outlines.remove()
            self.panes_mounted = True
            self.timeline.border_subtitle = "loading…"
            self.timeline.focus()
            self._fit()
            if isinstance(database, LazyDatabase) and not database.is_open:
                self.diff.show_message(["Opening the database…"])
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Until the panes replace their outlines, only help and quit."""
        return self.panes_mounted or action in ("help", "quit")

    # -- sharing the width of the top row ------------------------------------------------------

    @property
    def panes(self) -> list[PaneTable[object]]:
        return [self.timeline, self.coverage, self.versions]  # type: ignore[list-item]

    def share_width(self) -> None:
        """Give each top pane the width its columns want; when there is not enough for all,
        the pane being worked in first."""
        from newsdiff.tui.widths import share

        total = self.query_one("#top").size.width or self.size.width
        panes = self.panes
        widths = share(total, [p.demand() for p in panes], self._worked_in)
        for pane, width in zip(panes, widths, strict=True):
            if pane.styles.width is None or pane.styles.width.value != width:
                pane.styles.width = width

    def on_measured(self, message: Measured) -> None:
        message.stop()
        self.share_width()

    def on_resize(self, event: Resize) -> None:
        self._fit()

    def _fit(self) -> None:
        # A short terminal (80×24): the panes' column labels go, the top row shrinks, so that
        # the diff keeps a screenful of text.
        short = self.size.height < SHORT_BELOW
        self.set_class(short, "-short")
        if not self.panes_mounted:
            return
        for pane in self.panes:
            pane.show_header = not short
        self.share_width()

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        if not self.panes_mounted:
            return
        panes = self.panes
        if event.widget in panes:
            index = panes.index(event.widget)
            if index != self._worked_in:
                self._worked_in = index
                self.share_width()

    # -- loading the overview (story and timeline) --------------------------------------------

    def _next(self, kind: str) -> int:
        self.tokens[kind] += 1
        return self.tokens[kind]

    def load(self, slug: str | None, *, all_articles: bool = False) -> None:
        self.pending = True
        self.timeline.border_subtitle = "loading…"
        self._fetch_overview(self._next("overview"), slug, all_articles)

    @work(thread=True, exclusive=True, group="overview")
    def _fetch_overview(self, token: int, slug: str | None, all_articles: bool) -> None:
        database = self.database
        if isinstance(database, LazyDatabase) and not database.is_open:
            # Not opened yet: SQLAlchemy is still to be imported. The first timeline comes
            # straight from SQLite when it can (the same Overview); the database is opened once
            # it is drawn (see _show_overview), by the coverage's load or _open.
            from newsdiff.timeline.quick import quick_overview

            try:
                quick = quick_overview(database.url, slug, all_articles=all_articles)
            except NotFound:  # no such story: the full path says so
                quick = None
            if quick is not None:
                first = OverviewLoaded(token, quick)
                deliver(self, token, lambda: first)
                return
            # not before the first frame is drawn (the first load starts after it; a guard)
            self._drawn.wait(FIRST_FRAME_WAIT)

        def job() -> OverviewLoaded:
            from newsdiff.timeline import browse  # SQLAlchemy: loaded in a worker

            with database.read() as session:
                overview = browse.load_overview(session, slug, all_articles=all_articles)
            return OverviewLoaded(token, overview)

        deliver(self, token, job)

    @work(thread=True, exclusive=True, group="open")
    def _open(self, token: int) -> None:
        database = self.database

        def job() -> DatabaseOpened:
            if isinstance(database, LazyDatabase):
                database.open()
            return DatabaseOpened(token)

        deliver(self, token, job)

    def on_overview_loaded(self, message: OverviewLoaded) -> None:
        if message.token == self.tokens["overview"]:
            self.pending = False
            self._show_overview(message.overview)
            self.footer.release()  # its keys come after the timeline's frame

    def on_database_opened(self, message: DatabaseOpened) -> None:
        """Nothing to show: the panes' loads wait for it themselves, and a failure to open
        comes as :class:`Failed` (which quits with its reason)."""

    def on_group_found(self, message: GroupFound) -> None:  # an article from the palette
        if message.token == self.tokens["jump"]:
            self._show_group(message.key)

    def on_link_toggled(self, message: LinkToggled) -> None:
        if message.token == self.tokens["link"]:
            self._show_link(message.event_id, message.article_id, message.linked)

    def on_failed(self, message: Failed) -> None:
        self.footer.release()
        if message.token == self.tokens["overview"]:
            self.pending = False
            self.timeline.border_subtitle = None
        database = self.database
        opening = isinstance(database, LazyDatabase) and message.error is database.error
        unknown = (
            message.token == self.tokens["overview"]
            and self.overview is None
            and isinstance(message.error, NotFound)
        )
        if opening or unknown:
            # The database could not be opened (missing, not initialised, outdated), or the
            # story asked for (``--story``) is not in it: quit before showing anything, and let
            # the command line say why in one line.
            self.app.exit(return_code=1, result=message.error)
            return
        self.notify(str(message.error), severity="error", markup=False)

    def _show_group(self, key: GroupKey) -> None:
        if key == self.group:
            self.coverage.load(key, select=self.pending_article)
            self.pending_article = None
        elif not self.timeline.select_key(key):
            self.pending_article = None
            self.notify("that article is not in the timeline", severity="warning")

    def _show_overview(self, overview: Overview) -> None:
        self.overview = overview
        self.timeline.border_subtitle = None
        empty = overview.empty
        self.query_one("#panes").display = not empty
        self.query_one("#empty").display = empty
        story = overview.story
        self.story_slug = story.slug if story else None
        self.all_articles = story is None
        if story is not None:
            self.app.title = printable(story.title)
            self.app.sub_title = (
                f"{plural(story.events, 'event')} · {plural(story.articles, 'article')}"
            )
        else:
            self.app.title = "All tracked articles"
            self.app.sub_title = (
                plural(overview.articles, "article") if not empty else "empty database"
            )
        database = self.database
        if isinstance(database, LazyDatabase) and not database.is_open:
            # the timeline came from timeline.quick: open the database (SQLAlchemy, the schema
            # check) once it is drawn; an error there quits with its reason, as always
            self.call_after_refresh(self._open, self.tokens["overview"])
        if empty:
            return
        keep = self.group if self.group in {i.key for i in overview.items} else None
        self.timeline.show(overview.items, events=story is not None, select=keep)
        if not overview.items:
            self.diff.show_message(["This story has no events."])

    # -- the chain timeline -> coverage -> versions -> diff -----------------------------------

    def on_group_selected(self, message: GroupSelected) -> None:
        self.group = message.item.key if message.item else None
        self.coverage.load(self.group, select=self.pending_article)
        self.pending_article = None

    def on_article_selected(self, message: ArticleSelected) -> None:
        self.article_id = message.item.article_id if message.item else None
        opening = self.opening
        if opening is not None and opening.article_id == self.article_id:
            self.versions.load(self.article_id, select=opening.new)
        else:
            self.versions.load(self.article_id)
        if message.item is None:
            self.diff.show_message(
                NO_COVERAGE if self.group is not None and self.group.is_event else []
            )

    def on_pair_selected(self, message: PairSelected) -> None:
        if message.article_id != self.article_id:
            return
        if message.new is None:
            self.diff.show_message(["No version of this article has been captured yet."])
            return
        opening = self.opening
        if opening is not None and opening.article_id == message.article_id:
            # a search hit: its pair, the words found highlighted and scrolled to
            self.opening = None
            self.versions.point_at(opening.new)
            self.diff.show_pair(message.article_id, opening.old, opening.new)
            if opening.phrase:
                self.diff.find(opening.phrase)
            return
        self.diff.show_pair(message.article_id, message.old, message.new)

    def on_opened(self, message: Opened) -> None:
        following: dict[str, Widget] = {
            "timeline": self.coverage,
            "coverage": self.versions,
            "versions": self.diff,
        }
        target = following.get(message.pane)
        if target is not None:
            target.focus()

    # -- actions ------------------------------------------------------------------------------

    def action_prev_pair(self) -> None:
        if not self.versions.step(-1):
            self.notify("this is the first version", severity="warning", timeout=2)

    def action_next_pair(self) -> None:
        if not self.versions.step(1):
            self.notify("this is the latest version", severity="warning", timeout=2)

    def action_next_change(self) -> None:
        if not self.diff.next_change(1):
            self.notify("no further change", timeout=2)

    def action_prev_change(self) -> None:
        if not self.diff.next_change(-1):
            self.notify("no earlier change", timeout=2)

    def action_next_kind(self) -> None:
        self._cycle_kind(1)

    def action_prev_kind(self) -> None:
        self._cycle_kind(-1)

    def _cycle_kind(self, delta: int) -> None:
        from newsdiff.tui.widgets.diff_view import EVERY_EDIT

        kind = self.diff.cycle_kind(delta)
        if kind is None:
            what = "every change"
        else:
            count = len(self.diff._edit_targets())
            label = "every edit" if kind == EVERY_EDIT else f"{kind} edits"
            what = f"{label} ({count} in this pair)"
        self.notify(f"n/p step through {what}", timeout=2, markup=False)

    def action_toggle_trivial(self) -> None:
        hidden = self.versions.toggle_trivial()
        self.notify("trivial versions hidden" if hidden else "trivial versions shown", timeout=2)

    def action_page_diff(self) -> None:
        """``space`` from any pane: the next page of the diff."""
        self.diff.action_page_down()

    def action_toggle_inline(self) -> None:
        self.diff.toggle_inline()

    def action_toggle_fold(self) -> None:
        self.diff.toggle_fold()

    def action_compare(self) -> None:
        from newsdiff.tui.screens.version_picker import VersionPicker

        items = self.versions.all_items
        if self.article_id is None or len(items) < 2:
            self.notify("select an article with two versions or more", severity="warning")
            return
        request = self.diff.request
        article_id = self.article_id

        def chosen(result: tuple[int, int] | None) -> None:
            if result is None or self.article_id != article_id:
                return
            old, new = result
            self.versions.point_at(new)
            self.diff.show_pair(article_id, old, new)

        self.app.push_screen(VersionPicker(items, request.old if request else None), chosen)

    def action_find(self) -> None:
        from newsdiff.tui.screens.find import FindScreen

        def chosen(query: str | None) -> None:
            if query is not None:
                self.diff.find(query)

        self.app.push_screen(FindScreen(self.diff.find_query), chosen)

    def action_search(self) -> None:
        from newsdiff.tui.screens.search import SearchScreen

        search = SearchScreen(self.database, *self.last_search)

        def chosen(choice: SearchChoice | None) -> None:
            self.last_search = (search.query_text, search.within)
            if choice is not None:
                self.open_hit(choice)

        self.app.push_screen(search, chosen)

    def open_hit(self, choice: SearchChoice) -> None:
        """Open a search hit: its article (as the palette's jump does: under the selected
        event, or its outlet's day with every article), its pair of versions, the words found
        highlighted in the diff."""
        self.opening = choice
        if self.article_id == choice.article_id:
            self.versions.load(choice.article_id, select=choice.new)
            return
        from newsdiff.timeline.items import JumpTarget

        self.jump(JumpTarget(label="", help="", article_id=choice.article_id))

    def action_chart(self) -> None:
        from newsdiff.tui.screens.chart import ChartScreen

        slug = None if self.all_articles else self.story_slug
        self.app.push_screen(ChartScreen(self.database, slug))

    def action_link(self) -> None:
        group = self.group
        article = self.coverage.current
        if group is None or group.event_id is None:
            self.notify("select an event in the timeline first (l links to an event)")
            return
        if article is None:
            self._pick_article(group.event_id)
            return
        self._toggle_link(self._next("link"), group.event_id, article.article_id)

    def _pick_article(self, event_id: int) -> None:
        """An event no article covers: choose one to link."""
        from newsdiff.tui.screens.article_picker import ArticlePicker

        group = self.group
        item = self.timeline.current
        database = self.database
        slug = None if self.all_articles else self.story_slug

        def load() -> list[JumpTarget]:
            from newsdiff.timeline import browse  # SQLAlchemy: loaded in a worker

            with database.read() as session:
                return browse.jump_targets(session, slug)

        def chosen(article_id: int | None) -> None:
            if article_id is not None and self.group == group:
                self._toggle_link(self._next("link"), event_id, article_id)

        self.app.push_screen(ArticlePicker(item.title if item else "", load), chosen)

    @work(thread=True, exclusive=True, group="link")
    def _toggle_link(self, token: int, event_id: int, article_id: int) -> None:
        def job() -> LinkToggled:
            from newsdiff.timeline import browse  # SQLAlchemy: loaded in a worker

            with self.database.write() as session:
                linked = browse.toggle_link(session, event_id, article_id)
            return LinkToggled(token, event_id, article_id, linked)

        deliver(self, token, job)

    def _show_link(self, event_id: int, article_id: int, linked: bool) -> None:
        from newsdiff.timeline.items import GroupKey

        if self.coverage.index_of(article_id) is None:  # picked for an empty event
            if self.group == GroupKey(event_id=event_id):
                self.coverage.load(self.group, select=article_id)
        else:
            self.coverage.set_linked(article_id, linked)
        self.timeline.adjust_count(GroupKey(event_id=event_id), 1 if linked else -1)
        self.notify(
            "linked by hand (kept by re-linking)" if linked else "unlinked by hand (kept)",
            timeout=3,
        )

    def action_switch_story(self) -> None:
        from newsdiff.tui.screens.story_switcher import ALL_ARTICLES, StorySwitcher

        stories = self.overview.stories if self.overview else []

        def chosen(slug: str | None) -> None:
            if slug is None:
                return
            self.group = None
            if slug == ALL_ARTICLES:
                self.load(None, all_articles=True)
            else:
                self.load(slug)

        self.app.push_screen(StorySwitcher(stories, self.story_slug), chosen)

    def action_reload(self) -> None:
        self.load(self.story_slug, all_articles=self.all_articles)

    def action_help(self) -> None:
        from newsdiff.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.key_table()))

    def action_quit(self) -> None:
        self.app.exit()

    def key_table(self) -> list[tuple[str, str, str]]:
        """(keys, what they do, binding id) for every binding with an id, as remapped; what
        they do is the binding's tooltip, kept with the binding in its widget."""
        from newsdiff.tui.widgets.diff_view import DiffView
        from newsdiff.tui.widgets.table import PaneTable

        keymap = self.app._keymap  # the ids the config remapped
        out: list[tuple[str, str, str]] = []
        seen: set[str] = set()
        bindings = [
            *PaneTable.BINDINGS,
            *DiffView.BINDINGS,
            *self.BINDINGS,
            *type(self.app).BINDINGS,
        ]
        for binding in bindings:
            assert isinstance(binding, Binding) and binding.id is not None
            if binding.id in seen:
                continue
            seen.add(binding.id)
            keys = keymap.get(binding.id, binding.key)
            shown = [self.app.get_key_display(Binding(k.strip(), "")) for k in keys.split(",")]
            shown += NATIVE_KEYS.get(binding.id, [])
            out.append((", ".join(shown), binding.tooltip or binding.description, binding.id))
        return out

    # -- the command palette's jumps ----------------------------------------------------------

    def jump(self, target: JumpTarget) -> None:
        """Go to an event (and one of its articles) or to an article. An article picked while
        an event no article covers is selected is shown under that event, for ``l`` to link it
        there (as the event's hint says)."""
        if not self.panes_mounted:
            return
        item = self.timeline.current
        empty = (
            item is not None and item.key == self.group and item.key.is_event and item.count == 0
        )
        if target.article_id is not None and empty and not self.all_articles:
            self.coverage.load(self.group, select=target.article_id)
            return
        if target.event_id is not None and not self.all_articles:
            from newsdiff.timeline.items import GroupKey

            key = GroupKey(event_id=target.event_id)
            if key == self.group:
                self.coverage.load(key, select=target.article_id)
            else:
                self.pending_article = target.article_id
                if not self.timeline.select_key(key):
                    self.pending_article = None
            return
        if target.article_id is None:
            return
        if not self.all_articles:
            # Show the article under the selected event (marked when not linked): l links it.
            self.coverage.load(self.group, select=target.article_id)
            return
        self.pending_article = target.article_id
        self._find_group(self._next("jump"), target.article_id)

    @work(thread=True, exclusive=True, group="jump")
    def _find_group(self, token: int, article_id: int) -> None:
        def job() -> GroupFound:
            from newsdiff.timeline import browse  # SQLAlchemy: loaded in a worker

            with self.database.read() as session:
                return GroupFound(token, browse.article_group(session, article_id))

        deliver(self, token, job)
