"""The command palette's provider: jump to an event of the story or to an article."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from newsdiff.text import printable
from newsdiff.tui.safe import safe_content
from newsdiff.tui.screens.main import MainScreen

if TYPE_CHECKING:  # the row types: imported by the first worker, after the first frame
    from newsdiff.timeline.items import JumpTarget

MAX_ARTICLES = 3000  # palette candidates beyond the story's own coverage
MAX_HITS = 50


def highlight(matcher: Matcher, text: str) -> Content:
    """``text`` with the matched letters styled, shown literally (the stock
    ``Matcher.highlight`` would parse the headline as markup)."""
    content = safe_content(text)
    plain = content.plain
    _, offsets = matcher.fuzzy_search.match(matcher.query, plain)
    for offset in offsets:
        if offset < len(plain) and not plain[offset].isspace():
            content = content.stylize("bold reverse", offset, offset + 1)
    return content


def help_line(target: JumpTarget) -> str:
    """The hit's help line, shown literally. Textual types ``help`` as a str and parses a str as
    markup (an event titled ``[@click=app.quit]x[/]`` would quit when clicked); a Content is
    used as it is (``Content.from_markup`` returns it unchanged)."""
    return cast(str, safe_content(target.help))


class JumpProvider(Provider):
    """Events and articles, loaded once (in a thread) when the palette opens."""

    targets: list[JumpTarget]

    async def startup(self) -> None:
        self.targets = []
        screen = self.screen
        if not isinstance(screen, MainScreen):
            return
        slug = None if screen.all_articles else screen.story_slug

        def load() -> list[JumpTarget]:
            from newsdiff.timeline import browse  # SQLAlchemy: loaded in a worker

            with screen.database.read() as session:
                return browse.jump_targets(session, slug, limit=MAX_ARTICLES)

        self.targets = await asyncio.to_thread(load)

    def _go(self, target: JumpTarget) -> None:
        screen = self.screen
        if isinstance(screen, MainScreen):
            screen.jump(target)

    async def discover(self) -> Hits:
        for target in [t for t in self.targets if t.article_id is None][:MAX_HITS]:
            yield DiscoveryHit(
                safe_content(target.label),
                partial(self._go, target),
                text=printable(target.label),
                help=help_line(target),
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        scored = []
        for i, target in enumerate(self.targets):
            if i % 250 == 249:
                await asyncio.sleep(0)  # let keys and frames through while matching
            score = matcher.match(target.label)
            if score > 0:
                scored.append((score, target))
        scored.sort(key=lambda st: -st[0])
        for score, target in scored[:MAX_HITS]:
            yield Hit(
                score,
                highlight(matcher, target.label),
                partial(self._go, target),
                text=printable(target.label),
                help=help_line(target),
            )
