"""The coverage pane: the articles of the selected event (or outlet day): outlet, latest
headline, number of versions, time of the last change."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work

from newsdiff.store.lazy import LazyDatabase
from newsdiff.text import plural
from newsdiff.tui.jobs import deliver
from newsdiff.tui.messages import ArticleSelected, ArticlesLoaded
from newsdiff.tui.safe import cell, safe_text, when
from newsdiff.tui.widgets.table import Column, PaneTable

if TYPE_CHECKING:  # the row types: imported by the first worker, after the first frame
    from newsdiff.timeline.items import ArticleItem, GroupKey


class CoveragePane(PaneTable["ArticleItem"]):
    """Articles covering the selected event; articles unlinked by hand are shown dimmed and
    struck through (``l`` links them again), an article reached from the command palette that
    is not linked is shown the same way until it is."""

    PANE = "coverage"
    STRETCH = 2  # headlines are long: most of any slack

    DEFAULT_CSS = """
    CoveragePane { height: 1fr; }
    """

    key: GroupKey | None = None

    def on_mount(self) -> None:
        self.border_title = "Coverage"
        self.set_columns()

    def column_specs(self) -> Sequence[Column]:
        return (
            Column("mark", " "),
            Column("outlet", "Outlet", minimum=6),
            Column("versions", "v"),
            Column("changed", "Last change", optional=True),
            Column("title", "Headline (latest)", minimum=8),
        )

    def key_of(self, item: ArticleItem) -> Hashable:
        return item.article_id

    def announce(self, item: ArticleItem | None) -> None:
        self.post_message(ArticleSelected(item))

    def load(self, key: GroupKey | None, *, select: int | None = None) -> None:
        """Load the articles of ``key``; select article ``select`` (added when missing)."""
        self.key = key
        token = self.next_token()
        if key is None:
            self.pending = False
            self.fill([], [])
            return
        self.pending = True
        self.border_subtitle = "loading…"
        database = self.database
        if isinstance(database, LazyDatabase) and not database.is_open:
            # the timeline came first, without SQLAlchemy: draw it before importing that
            self.call_after_refresh(self._fetch, token, key, select)
        else:
            self._fetch(token, key, select)

    @work(thread=True, exclusive=True, group="coverage")
    def _fetch(self, token: int, key: GroupKey, select: int | None) -> None:
        def job() -> ArticlesLoaded:
            from newsdiff.timeline import browse  # SQLAlchemy: loaded in a worker

            with self.database.read() as session:
                items = browse.group_articles(session, key)
                if select is not None and all(i.article_id != select for i in items):
                    extra = browse.article_item(session, select, key.event_id)
                    items.append(replace(extra, linked=False) if key.is_event else extra)
            return ArticlesLoaded(token, items, select)

        deliver(self, token, job)

    def on_articles_loaded(self, message: ArticlesLoaded) -> None:
        if message.token != self.token:
            return
        self.pending = False
        items, select = message.items, message.select
        self.border_subtitle = plural(len(items), "article")
        index = 0
        if select is not None:
            index = next((i for i, it in enumerate(items) if it.article_id == select), 0)
        self.fill(items, [self._row(it) for it in items], select=index)

    @staticmethod
    def _row(item: ArticleItem) -> list[Text]:
        unlinked = item.linked is False
        style = "dim strike" if unlinked else ""
        mark = "✗" if unlinked else ("✓" if item.origin == "manual" else " ")
        return [
            cell(mark, "red" if unlinked else "green"),
            safe_text(item.outlet or "-", style=style),
            cell(str(item.versions), "bold" if item.versions > 1 else ""),
            cell(when(item.last_changed_at), "dim"),
            safe_text(item.title or item.url, style=style),
        ]

    def set_linked(self, article_id: int, linked: bool) -> None:
        """Show the new link state of an article after ``l``."""
        index = self.index_of(article_id)
        if index is None:
            return
        item = replace(self.items[index], linked=linked, origin="manual")
        self.items[index] = item
        for column, text in enumerate(self._row(item)):
            if column in (0, 1, 4):
                self.set_cell(index, column, text)
