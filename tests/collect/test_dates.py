"""Publication dates (issue 13, item 4): the feed's date, then the page's metadata, then the
URL's day, then a dateline the page shows; never a year picked out of the text ("since 1998"),
never a date in the future or before the web."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newsdiff.collect.extract import decode_html, extract_article, parse_html
from newsdiff.collect.headlines import (
    EARLIEST_DATE,
    dateline_date,
    page_dates,
    parse_datetime,
    plausible_date,
    url_date,
)
from newsdiff.collect.poll import run_poll
from newsdiff.config import Settings
from newsdiff.store.db import Database
from newsdiff.store.models import Article, Version
from tests.collect.conftest import Clock, make_settings
from tests.collect.server import Site
from tests.collect.test_poll import add_feeds, rows, track

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
GUARDIAN = "https://www.theguardian.com/society/2008/nov/30/baby-p-haringey"
NO_DATE_URL = "https://news.example.org/news/haringey-town-hall"
SINCE = (
    "The council has run the old town hall since 1998 and says it will reopen it next spring "
    "after repairs costing more than two million pounds, officials told a meeting on Tuesday."
)
MORE = (
    "Residents who campaigned for the building to stay open said they were relieved, but "
    "warned that the works must not overrun as the last refurbishment did a decade ago."
)


def page(head: str = "", body_extra: str = "") -> bytes:
    """An article page with no date anywhere unless ``head``/``body_extra`` bring one."""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Town hall to reopen | The Test Gazette</title>{head}</head>
<body><main><article><h1>Town hall to reopen</h1>{body_extra}
<p>{SINCE}</p><p>{MORE}</p></article></main></body></html>""".encode()


def tree_of(body: bytes) -> object:
    return parse_html(decode_html(body)[0])


# -- parse_datetime: garbage and naive values ------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "garbage",
        "0000-00-00 00:00:00",
        "2008-13-45",
        "2008-11-12T09:00:00+25:00",
        "Wed, 32 Nov 2008 08:00:00 GMT",
        "November 12, 2008",
        "1226476800",
        "9999-12-31T23:59:59-05:00",
    ],
)
def test_parse_datetime_garbage_is_none(value: str | None) -> None:
    assert parse_datetime(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2008-11-12 09:00", datetime(2008, 11, 12, 9, 0, tzinfo=UTC)),  # naive: UTC
        ("2008-11-12", datetime(2008, 11, 12, tzinfo=UTC)),
        ("Wed, 12 Nov 2008 08:00:00", datetime(2008, 11, 12, 8, 0, tzinfo=UTC)),
        ("2008-11-12T09:00:00+01:00", datetime(2008, 11, 12, 8, 0, tzinfo=UTC)),
        ("2008-11-12T09:00:00.000000000Z", datetime(2008, 11, 12, 9, 0, tzinfo=UTC)),
    ],
)
def test_parse_datetime_gives_aware_utc(value: str, expected: datetime) -> None:
    parsed = parse_datetime(value)
    assert parsed == expected and parsed is not None and parsed.tzinfo is UTC


def test_plausible_bounds() -> None:
    assert plausible_date(EARLIEST_DATE, NOW) == EARLIEST_DATE
    assert plausible_date(EARLIEST_DATE - timedelta(seconds=1), NOW) is None
    assert plausible_date(NOW + timedelta(hours=23), NOW) is not None
    assert plausible_date(NOW + timedelta(days=2), NOW) is None


# -- page metadata ---------------------------------------------------------------------------------


def test_page_dates_skip_garbage_and_zero_dates() -> None:
    """A garbage ``date`` meta and Gannett's ``0001-01-01`` used to hide the real date."""
    body = page(
        head='<meta name="date" content="garbage">'
        '<meta property="article:published_time" content="0001-01-01T00:00:00Z">'
        '<meta property="article:modified_time" content="0001-01-01T00:00:00Z">'
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "datePublished": "2008-11-30T10:00:00+00:00",'
        ' "dateModified": "2008-11-30T12:30:00"}</script>'
    )
    published, modified = page_dates(tree_of(body), NOW)
    assert published == datetime(2008, 11, 30, 10, 0, tzinfo=UTC)
    assert modified == datetime(2008, 11, 30, 12, 30, tzinfo=UTC)  # naive: UTC


def test_page_dates_prefer_the_specific_tag() -> None:
    """A naive ``sailthru.date`` first in the page, the zoned ``article:published_time``
    later: the specific tag wins (the naive one was read as UTC, five hours off)."""
    body = page(
        head='<meta name="sailthru.date" content="2019-11-18 12:02:02">'
        '<meta property="article:published_time" content="2019-11-18T12:02:02-05:00">'
    )
    assert page_dates(tree_of(body), NOW)[0] == datetime(2019, 11, 18, 17, 2, 2, tzinfo=UTC)


# -- the URL's day ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (GUARDIAN, datetime(2008, 11, 30, tzinfo=UTC)),
        ("https://x.org/2008/11/30/slug", datetime(2008, 11, 30, tzinfo=UTC)),
        ("https://x.org/news/2008/9/3/slug", datetime(2008, 9, 3, tzinfo=UTC)),
        ("https://x.org/news/20081130/slug.html", datetime(2008, 11, 30, tzinfo=UTC)),
        ("https://x.org/2008-11-30/slug", datetime(2008, 11, 30, tzinfo=UTC)),
        ("https://x.org/story_2008-11-30.html", datetime(2008, 11, 30, tzinfo=UTC)),
        ("https://x.org/2008/11/slug", None),  # a month alone: no made-up day
        ("https://x.org/2008/02/30/slug", None),
        ("https://x.org/news/120081130999", None),  # inside a longer number: an id
        ("https://x.org/a?date=2008-11-30", None),  # the query is not the path
        (None, None),
    ],
)
def test_url_date(url: str | None, expected: datetime | None) -> None:
    assert url_date(url) == expected


# -- datelines -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("<p>Published: Wednesday, 3 March 2004</p>", datetime(2004, 3, 3, tzinfo=UTC)),
        ("<i>Friday 9 November 2001</i>", datetime(2001, 11, 9, tzinfo=UTC)),
        ("<span>November 9, 2001 10:15 GMT</span>", datetime(2001, 11, 9, tzinfo=UTC)),
        ("<span>publiziert am 25. September 2018</span>", datetime(2018, 9, 25, tzinfo=UTC)),
        ("<span>Publié le 1er mars 2004</span>", datetime(2004, 3, 1, tzinfo=UTC)),
        ("<p>Since 1998</p>", None),  # a year alone
        ("<p>Open until 3 March 2004 for comments from residents</p>", None),  # in a sentence
        ("<footer>Published 3 March 2004</footer>", None),  # the site's furniture
    ],
)
def test_dateline_date(extra: str, expected: datetime | None) -> None:
    assert dateline_date(tree_of(page(body_extra=extra))) == expected


# -- extract_article: the order ----------------------------------------------------------------


def test_since_1998_is_not_a_publication_date() -> None:
    """htmldate's extensive search turned "since 1998" into 1998-01-01."""
    assert extract_article(page(), NO_DATE_URL, now=NOW).published_at is None


def test_copyright_year_is_not_a_publication_date() -> None:
    body = page(body_extra="").replace(
        b"</main>", b"</main><div class='legal'>&copy; 2024 The Test Gazette</div>"
    )
    assert extract_article(body, NO_DATE_URL, now=NOW).published_at is None


def test_url_date_used_when_metadata_missing() -> None:
    assert extract_article(page(), GUARDIAN, now=NOW).published_at == datetime(
        2008, 11, 30, tzinfo=UTC
    )


def test_canonical_url_date_used_when_the_fetched_url_has_none() -> None:
    body = page(head=f'<link rel="canonical" href="{GUARDIAN}">')
    assert extract_article(body, NO_DATE_URL, now=NOW).published_at == datetime(
        2008, 11, 30, tzinfo=UTC
    )


def test_metadata_wins_over_url() -> None:
    body = page(head='<meta property="article:published_time" content="2008-11-29T22:40:00Z">')
    assert extract_article(body, GUARDIAN, now=NOW).published_at == datetime(
        2008, 11, 29, 22, 40, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "bad", [(NOW + timedelta(days=30)).isoformat(), "1970-01-01T00:00:00Z", "1900-01-01"]
)
def test_implausible_metadata_is_discarded(bad: str) -> None:
    """A date a month ahead, the Unix epoch, 1900: discarded; the URL's day is used."""
    body = page(
        head=f'<meta property="article:published_time" content="{bad}">'
        f'<meta property="article:modified_time" content="{bad}">'
    )
    result = extract_article(body, GUARDIAN, now=NOW)
    assert result.published_at == datetime(2008, 11, 30, tzinfo=UTC)
    assert result.modified_at is None


def test_future_dateline_is_discarded() -> None:
    body = page(body_extra="<p>Published: 3 March 2031</p>")
    assert extract_article(body, NO_DATE_URL, now=NOW).published_at is None


# -- end to end: the feed's date first, the page's otherwise ---------------------------------------


@pytest.fixture
def settings(db_url: str) -> Settings:
    return make_settings(db_url)


def test_dates_through_the_poller(site: Site, settings: Settings, clock: Clock) -> None:
    """A feed's article takes the feed's date; a tracked one the URL's, never 1998."""
    body = page()
    site.set("/uk/2008/11/30/town-hall", body)
    site.set("/uk/2008/12/01/town-hall-again", body.replace(b"Town hall", b"The town hall"))
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Gazette</title>'
        "<item><title>Town hall</title>"
        f"<link>{site.url('/uk/2008/11/30/town-hall')}</link>"
        "<pubDate>Sun, 30 Nov 2008 07:45:00 GMT</pubDate></item></channel></rss>"
    )
    site.set("/feed.xml", feed, headers={"Content-Type": "application/rss+xml"})
    add_feeds(settings, site.url("/feed.xml"))
    tracked = track(settings, site.url("/uk/2008/12/01/town-hall-again"))
    database = Database(settings.database.url)
    try:
        summary = run_poll(settings, database, force=True, clock=clock)
    finally:
        database.dispose()
    assert summary.new_versions == 2 and summary.failures == 0
    by_url = {a.url: a for a in rows(settings, Article)}
    from_feed = by_url[site.url("/uk/2008/11/30/town-hall")]
    assert from_feed.published_at is not None
    assert from_feed.published_at.replace(tzinfo=None) == datetime(2008, 11, 30, 7, 45)
    assert by_url[site.url("/uk/2008/12/01/town-hall-again")].id == tracked
    versions = {v.article_id: v for v in rows(settings, Version)}
    for article in by_url.values():
        assert article.published_at is not None and article.published_at.year == 2008
        page_date = versions[article.id].published_at
        assert page_date is not None and page_date.year == 2008  # never 1998
    tracked_article = by_url[site.url("/uk/2008/12/01/town-hall-again")]
    assert tracked_article.published_at is not None
    assert tracked_article.published_at.replace(tzinfo=None) == datetime(2008, 12, 1)
