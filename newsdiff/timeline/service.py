"""Story operations as single calls (for the CLI, the demo and the TUI)."""

from __future__ import annotations

from pathlib import Path

from newsdiff.config import LinkingSettings
from newsdiff.store.articles import find_article
from newsdiff.store.db import Database
from newsdiff.timeline.linking import LinkResult, link_story, set_link
from newsdiff.timeline.stories import ImportResult, get_event, get_story, import_story, load_story


def import_and_link(
    database: Database, ref: str | Path, settings: LinkingSettings, *, link: bool = True
) -> tuple[ImportResult, LinkResult | None]:
    """Import a story file (or bundled slug), then auto-link its coverage."""
    story_def = load_story(ref)
    with database.write() as session:
        result = import_story(session, story_def)
        linked = link_story(session, result.story, settings) if link else None
    return result, linked


def relink(database: Database, slug: str, settings: LinkingSettings) -> LinkResult:
    with database.write() as session:
        return link_story(session, get_story(session, slug), settings)


def manual_link(
    database: Database, event_ref: str, article_id: int, *, linked: bool, note: str | None = None
) -> tuple[str, int]:
    """Link or unlink by hand. Returns ("story/event", article id)."""
    with database.write() as session:
        event = get_event(session, event_ref)
        article = find_article(session, article_id)
        set_link(session, event, article, linked=linked, note=note)
        return event_ref, article.id
