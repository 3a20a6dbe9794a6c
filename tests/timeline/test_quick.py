"""The TUI's first timeline read with sqlite3 (newsdiff.timeline.quick) is exactly what the
SQLAlchemy query gives, and it steps aside whenever it cannot be sure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from newsdiff.errors import NotFound
from newsdiff.store.db import Database, make_engine
from newsdiff.store.models import Article
from newsdiff.timeline import browse
from newsdiff.timeline.linking import set_link
from newsdiff.timeline.quick import quick_overview, sqlite_path
from newsdiff.timeline.stories import get_event, import_story, parse_story
from tests.tui.data import fill

OTHER = {
    "story": {"slug": "ferry", "title": "The ferry [bold]strike[/]", "keywords": ["ferry"]},
    "events": [
        {"slug": "m", "date": "2025-05-01", "title": "May", "date_precision": "month"},
        {"slug": "y", "date": "2025-01-01", "title": "Year", "date_precision": "year"},
        {
            "slug": "p",
            "date": "2025-06-02",
            "end_date": "2025-06-20",
            "title": "A period",
            "kind": "strike",
        },
        {"slug": "q", "date": "2025-06-02", "end_date": "2025-07-03", "title": "Another"},
    ],
}


@pytest.fixture
def filled_db(sqlite_url: str) -> Database:
    database = Database(sqlite_url)
    filled = fill(database)
    with database.write() as session:
        import_story(session, parse_story(OTHER, "<quick test>"))
        ferry = get_event(session, "ferry/p")
        found = session.get(Article, filled.loose)
        assert found is not None
        set_link(session, ferry, found, linked=True)
        # unlinked by hand: counted by neither
        set_link(session, get_event(session, "bridge/closure"), found, linked=False)
    return database


def full(database: Database, slug: str | None) -> browse.Overview:
    with database.read() as session:
        return browse.load_overview(session, slug)


@pytest.mark.parametrize("slug", [None, "bridge", "ferry"])
def test_the_same_overview_as_load_overview(
    filled_db: Database, sqlite_url: str, slug: str | None
) -> None:
    quick = quick_overview(sqlite_url, slug)
    assert quick is not None
    assert quick == full(filled_db, slug)
    assert len(quick.stories) == 2 and quick.items


def test_an_unknown_story_is_not_found(filled_db: Database, sqlite_url: str) -> None:
    with pytest.raises(NotFound, match="no story 'nope'"):
        quick_overview(sqlite_url, "nope")


def test_it_steps_aside_when_unsure(sqlite_url: str, tmp_path: Path) -> None:
    database = Database(sqlite_url)
    fill(database, story=False)
    assert quick_overview(sqlite_url, None) is None  # no story: outlets by day, the full query's
    assert quick_overview(sqlite_url, "bridge", all_articles=True) is None
    assert quick_overview(f"sqlite:///{tmp_path / 'missing.sqlite'}", None) is None
    assert quick_overview("sqlite://", None) is None
    assert quick_overview("postgresql+psycopg://u@h/db", None) is None
    assert quick_overview(f"{sqlite_url}?mode=ro", None) is None
    database.dispose()
    engine = make_engine(sqlite_url)
    with engine.begin() as conn:  # an older schema: a column the queries read is missing
        views = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'view'"))
        for (view,) in list(views):  # the views read the column
            conn.execute(text(f"DROP VIEW {view}"))
        conn.execute(text("ALTER TABLE coverage DROP COLUMN excluded"))
    engine.dispose()
    assert quick_overview(sqlite_url, "bridge") is None
    with engine.begin() as conn:  # not initialised by newsdiff
        conn.execute(text("DROP TABLE alembic_version"))
    engine.dispose()
    assert quick_overview(sqlite_url, "bridge") is None


def test_sqlite_path() -> None:
    assert sqlite_path("sqlite:////tmp/a%20b.sqlite") == "/tmp/a b.sqlite"
    assert sqlite_path("sqlite:///rel.sqlite") == "rel.sqlite"
    assert sqlite_path("sqlite:///file:x?mode=ro&uri=true") is None


def test_it_imports_no_sqlalchemy() -> None:
    code = (
        "import sys; import newsdiff.timeline.quick; "
        "print(sorted(m for m in sys.modules if m.startswith('sqlalchemy')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]", result.stdout
