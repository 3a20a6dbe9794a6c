"""Article text is untrusted: every CLI listing shows ANSI escapes, OSC 8 links, bidi overrides
and control characters as visible symbols, never as what a terminal would act on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdiff.cli import cli
from newsdiff.store.analysis import analyse_versions
from newsdiff.store.articles import get_or_create_outlet, track_article
from newsdiff.store.db import Database, migrate
from newsdiff.store.models import Article
from newsdiff.store.versions import VersionFields, add_version

HOSTILE = "\x1b[31mRED\x1b[0m \x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\ \u202eevil\x07"
T0 = datetime(2008, 11, 12, 9, tzinfo=UTC)
RAW = ("\x1b", "\u202e", "\x07")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'nd.sqlite'}"
    migrate(url)
    database = Database(url)
    with database.write() as session:
        outlet = get_or_create_outlet(session, f"Outlet {HOSTILE}", "evil.example")
        article, _ = track_article(
            session, "https://evil.example/news/a", now=T0, outlet=outlet, title=HOSTILE
        )
        for n, extra in enumerate(("", f' "{HOSTILE}," said Ms Kober.')):
            art = session.get(Article, article.id)
            assert art is not None
            add_version(
                session,
                art,
                VersionFields(
                    title=f"Headline {HOSTILE} {n}",
                    paragraphs=(f"The council met on Monday. {HOSTILE} 12 cases.{extra}",),
                    extractor="test",
                    extractor_version="1",
                ),
                captured_at=T0 + timedelta(hours=n),
            )
    analyse_versions(database)
    database.dispose()
    return {"NEWSDIFF_DATABASE_URL": url}


@pytest.mark.parametrize(
    "args",
    [
        ("articles",),
        ("versions", "1"),
        ("edits",),
        ("diff", "1", "--format", "inline"),
        ("diff", "1", "--format", "side", "--width", "120"),
        ("feeds", "list"),
    ],
    ids=lambda a: " ".join(a),
)
def test_listings_show_untrusted_text_literally(env: dict[str, str], args: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, list(args), env=env)
    assert result.exit_code == 0, result.output
    for raw in RAW:
        assert raw not in result.output, (args, raw, result.output)
    if args[0] != "feeds":
        assert "\u241b" in result.output or "RED" in result.output  # shown, not dropped
