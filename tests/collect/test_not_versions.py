"""Pages that are not versions (issue 13, item 3): a "page not found" page served with status
200 (a soft 404) and a binary body served as text/html are extraction errors: no version, an
error check. A real article that merely mentions "not found" is still an article."""

from __future__ import annotations

import asyncio
import gzip
from typing import Any

import pytest

from newsdiff.collect.extract import (
    check_not_binary,
    extract_article,
    soft_404_headline,
)
from newsdiff.collect.http import Fetcher
from newsdiff.collect.poll import CheckOutcome, PollContext, check_article
from newsdiff.config import Settings
from newsdiff.errors import ExtractionError
from newsdiff.store.db import Database
from newsdiff.store.models import Check, Version
from tests.collect.conftest import Clock, make_settings
from tests.collect.server import NAV, Site, article_html
from tests.collect.test_poll import LEAD, REACTION, SECOND, THIRD, rows, track

URL = "https://news.example.org/news/2008/11/30/town-hall"
POPULAR = [
    "Council criticised over care failures as inspectors publish their report on Tuesday",
    "Ferry service cut to three sailings a day after passenger numbers fall sharply",
    "Markets fall for a third day as investors weigh the chances of a recession",
    "Storm warning issued for the coast with gusts of up to eighty miles an hour",
]


def soft_404_page(title: str, h1: str, message: str) -> str:
    """A realistic "not found" page: the site's template, a message, and enough links and
    teasers that an extractor finds a few hundred characters of text."""
    teasers = "\n".join(f"<p>{t}</p>" for t in POPULAR)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title}</title></head><body>{NAV}
<main><h1>{h1}</h1><p>{message}</p><h2>You might be interested in</h2>{teasers}</main>
<footer><p>&copy; 2008 The Test Gazette</p></footer></body></html>"""


SOFT_404S = [
    ("Page not found | The Test Gazette", "Page not found", "Try the search box above."),
    ("404 - The Test Gazette", "Oops! This page doesn't exist.", "It may have moved."),
    ("The Test Gazette", "Sorry, the page you were looking for could not be found", "Sorry."),
    ("Error 404", "Error 404", "The address may be mistyped."),
    ("The Test Gazette", "This article is no longer available", "It was removed."),
    ("Seite nicht gefunden | Testblatt", "Seite nicht gefunden", "Bitte suchen Sie."),
    ("Page introuvable - La Gazette", "Cette page n’existe pas", "Elle a peut-être été déplacée."),
    ("Página no encontrada", "Página no encontrada", "Lo sentimos."),
]


@pytest.mark.parametrize(("title", "h1", "message"), SOFT_404S, ids=[t[1] for t in SOFT_404S])
def test_soft_404_is_an_extraction_error(title: str, h1: str, message: str) -> None:
    body = soft_404_page(title, h1, message).encode()
    with pytest.raises(ExtractionError, match="^soft 404: "):
        extract_article(body, URL)


@pytest.mark.parametrize(
    "headlines",
    [
        {
            "h1": "Page not found: the websites that vanished",
            "html": "Page not found: the websites that vanished | The Test Gazette",
        },
        {"h1": "Missing walker not found after three-day search"},
        {"h1": "Council says 404 homes are not fit to live in"},
        {"h1": "Town hall to reopen", "html": "Town hall to reopen | The Test Gazette"},
    ],
)
def test_headlines_that_are_not_soft_404(headlines: dict[str, str | None]) -> None:
    assert soft_404_headline(headlines) is None


def test_an_article_mentioning_not_found_is_an_article() -> None:
    paragraphs = [
        LEAD,
        "Visitors to the council's website were met with a 'page not found' message for most "
        "of Tuesday, and the page that said this page doesn't exist is now the most viewed.",
        SECOND,
    ]
    result = extract_article(article_html("Council website goes dark", paragraphs).encode(), URL)
    assert result.title == "Council website goes dark"
    assert any("page not found" in p for p in result.paragraphs)


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
BINARIES = {
    "pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" * 20,
    "png": PNG,
    "gif": b"GIF89a" + bytes(range(256)) * 4,
    "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(range(256)) * 4,
    "zip": b"PK\x03\x04" + bytes(range(256)) * 4,
    "gzip": gzip.compress(article_html("A story", [LEAD, SECOND, THIRD]).encode()),
    "nul-bytes": b"<html>" + b"\x00\x01\x02\x03 text " * 400,
}


@pytest.mark.parametrize("body", list(BINARIES.values()), ids=list(BINARIES))
def test_binary_body_is_an_extraction_error(body: bytes) -> None:
    with pytest.raises(ExtractionError, match="^binary body"):
        extract_article(body, URL)


def test_text_with_a_stray_nul_and_utf16_are_not_binary() -> None:
    page = article_html("A story", [LEAD, SECOND, THIRD]).encode()
    check_not_binary(page[:500] + b"\x00" + page[500:])  # one stray NUL in a real page
    check_not_binary("\ufeff<html><p>Grüße</p></html>".encode("utf-16"))
    check_not_binary("<html><p>Grüße</p></html>".encode("utf-16-le"), "UTF-16LE")
    with pytest.raises(ExtractionError):
        check_not_binary("<html><p>Grüße</p></html>".encode("utf-16-le"))


# -- end to end: check_article on the real server -------------------------------------------------


@pytest.fixture
def settings(db_url: str) -> Settings:
    return make_settings(db_url)


def check(settings: Settings, clock: Clock, article_id: int) -> CheckOutcome:
    database = Database(settings.database.url)

    async def go() -> Any:
        async with Fetcher(settings.fetch) as fetcher:
            ctx = PollContext(settings, database, fetcher, clock=clock)
            return await check_article(ctx, article_id)

    try:
        return asyncio.run(go())  # type: ignore[no-any-return]
    finally:
        database.dispose()


def test_soft_404_after_a_version_is_an_error_check(
    site: Site, settings: Settings, clock: Clock
) -> None:
    site.set("/news/town-hall", article_html("Town hall to reopen", [LEAD, SECOND, REACTION]))
    aid = track(settings, site.url("/news/town-hall"))
    assert check(settings, clock, aid).outcome == "new_version"

    site.set("/news/town-hall", soft_404_page(*SOFT_404S[0]))  # status 200
    clock.advance(hours=1)
    outcome = check(settings, clock, aid)
    assert outcome.outcome == "error" and (outcome.error or "").startswith("soft 404")
    assert [v.number for v in rows(settings, Version)] == [1]
    checks = rows(settings, Check, Check.article_id == aid)
    assert [c.outcome for c in checks] == ["new_version", "error"]
    assert checks[-1].version_id is None and "soft 404" in (checks[-1].error or "")


@pytest.mark.parametrize("kind", ["png", "gzip"])
def test_binary_body_served_as_html_is_an_error_check(
    site: Site, settings: Settings, clock: Clock, kind: str
) -> None:
    site.set("/news/a", BINARIES[kind], headers={"Content-Type": "text/html; charset=utf-8"})
    aid = track(settings, site.url("/news/a"))
    outcome = check(settings, clock, aid)
    assert outcome.outcome == "error" and (outcome.error or "").startswith("binary body")
    assert rows(settings, Version) == []
    assert [c.outcome for c in rows(settings, Check)] == ["error"]
